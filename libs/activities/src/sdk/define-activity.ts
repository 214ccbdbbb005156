import { ApplicationFailure } from '@temporalio/common';
import { type z } from 'zod';

/** What an activity handler receives besides its input. */
export interface ActivityContext {
  /** Stable per step execution, identical across retries: workflow id + step path. */
  idempotencyKey: string;
  runId: string;
  stepPath: string;
  attempt: number;
  /** Aborted when the activity is cancelled or times out. */
  signal: AbortSignal;
  /** Records progress; on retry, `lastHeartbeat` returns the last details recorded. */
  heartbeat(details?: unknown): void;
  lastHeartbeat<T = unknown>(): T | undefined;
  /** Resolves a secret by name from the configured provider. */
  secret(name: string): Promise<string>;
}

export interface ActivityDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  output: O;
  handler: (input: z.infer<I>, ctx: ActivityContext) => Promise<z.infer<O>>;
}

/** Error type of a failure caused by an activity input that does not match its schema. */
export const INVALID_ACTIVITY_INPUT = 'InvalidActivityInput';

/**
 * Declares an activity: its registered name (what `uses:` names), zod schemas for input and
 * output (published as JSON Schema in the catalog), and the handler.
 */
export function defineActivity<I extends z.ZodType, O extends z.ZodType>(
  def: ActivityDefinition<I, O>,
): ActivityDefinition<I, O> {
  const problem = activityNameProblem(def.name);
  if (problem) throw new Error(problem);
  return def;
}

/** Registered activity names: dotted, lower-case namespace first (`http.request`, `acme.crm-lookup`). */
export const ACTIVITY_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-zA-Z0-9-]*)+$/;

/** Why a name cannot be an activity name, or undefined when it can. */
export function activityNameProblem(name: unknown): string | undefined {
  if (typeof name === 'string' && ACTIVITY_NAME.test(name)) return undefined;
  return `activity name '${String(name)}' must be dotted lower-case, e.g. 'http.request' or 'acme.crm-lookup'`;
}

/** Validates activity input, failing non-retryably with every schema problem. */
export function parseActivityInput<I extends z.ZodType>(
  def: ActivityDefinition<I>,
  raw: unknown,
): z.infer<I> {
  const result = def.input.safeParse(raw);
  if (result.success) return result.data;
  const details = result.error.issues.map(
    (i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`,
  );
  throw ApplicationFailure.create({
    type: INVALID_ACTIVITY_INPUT,
    message: `invalid input for ${def.name}: ${details.join('; ')}`,
    nonRetryable: true,
    details,
  });
}
