/**
 * The compiled plan: the normalized, defaults-resolved form of a pipeline document that the
 * gateway passes to the interpreter workflow as input. A run is pinned to the plan it started
 * with; the workflow never looks a definition up by name.
 *
 * Conventions:
 * - Durations are milliseconds (numbers).
 * - A `Template` is a JSON value in which any string may hold expressions: a string that is exactly
 *   one `${ expr }` evaluates to the expression's value (any JSON type); a string with text around
 *   `${ }` parts is string interpolation. `Expr` is the JSONata source *without* the `${ }`.
 * - `path` is the step's unique position in the run tree, e.g. `enrich/branch[0]/crm`,
 *   `replies/draft` (map items add `[index]` at run time: `replies[3]/draft`).
 */

export const PLAN_API_VERSION = 'flowgate/v1' as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** JSONata source, without the surrounding `${ }`. */
export type Expr = string;
/** A JSON value whose strings may contain `${ expr }` parts. */
export type Template = Json;

export interface RetryPlan {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
  nonRetryable: string[];
}

export interface TimeoutPlan {
  startToCloseMs: number;
  scheduleToCloseMs?: number;
  heartbeatMs?: number;
}

export type OnErrorPlan = 'fail' | 'continue' | 'compensate';

export const STEP_KINDS = [
  'uses',
  'parallel',
  'map',
  'switch',
  'loop',
  'wait',
  'pipeline',
  'set',
  'fail',
  'approval',
  'input',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface PlanStepBase {
  id: string;
  /** Unique static path in the tree (slash-separated ids, branches as `name/branch[i]/child`). */
  path: string;
  kind: StepKind;
  /** Ids of sibling steps (same scope) that must finish first. */
  needs: string[];
  when?: Expr;
  retry: RetryPlan;
  timeout: TimeoutPlan;
  onError: OnErrorPlan;
  /** Saga compensation: steps run (in the same scope) if a later failure unwinds this step. */
  compensate?: PlanStep[];
  /** Expression computing the step's output from `{ input, steps, item, index, run, result }`. */
  output?: Expr;
  tags: string[];
  description?: string;
}

export interface UsesStepPlan extends PlanStepBase {
  kind: 'uses';
  uses: string;
  with: Template;
}

export type MergeStrategy = 'deep' | 'shallow' | 'append' | 'collect' | 'first';
export type JoinPlan = { mode: 'all' } | { mode: 'any' } | { mode: 'first' } | { mode: 'atLeast'; n: number };

export interface ParallelStepPlan extends PlanStepBase {
  kind: 'parallel';
  branches: PlanStep[][];
  merge: MergeStrategy;
  join: JoinPlan;
}

export type AggregatePlan =
  | { mode: 'collect' }
  | { mode: 'vote'; by?: Expr }
  | { mode: 'maxBy'; by: Expr }
  | { mode: 'reduce'; reducer: Expr; initial: Json };

export interface MapStepPlan extends PlanStepBase {
  kind: 'map';
  items: Expr;
  concurrency: number;
  /** Items per child workflow when the item count exceeds `batchSize` (bounded history). */
  batchSize: number;
  steps: PlanStep[];
  aggregate: AggregatePlan;
}

export interface SwitchCasePlan {
  when: Expr;
  steps: PlanStep[];
}

export interface SwitchStepPlan extends PlanStepBase {
  kind: 'switch';
  cases: SwitchCasePlan[];
  default?: PlanStep[];
}

export interface LoopStepPlan extends PlanStepBase {
  kind: 'loop';
  while?: Expr;
  until?: Expr;
  maxIterations: number;
  steps: PlanStep[];
}

export interface WaitStepPlan extends PlanStepBase {
  kind: 'wait';
  durationMs?: number;
  /** Expression yielding an ISO-8601 timestamp. */
  until?: Expr;
}

export interface PipelineStepPlan extends PlanStepBase {
  kind: 'pipeline';
  pipeline: { name: string; version: number };
  /** The pinned child plan, resolved from the registry at submission. */
  plan: PipelinePlan;
  input: Template;
}

export interface SetStepPlan extends PlanStepBase {
  kind: 'set';
  values: Template;
}

export interface FailStepPlan extends PlanStepBase {
  kind: 'fail';
  message: Template;
  errorType: string;
}

export interface ApproverSetPlan {
  roles: string[];
  users: string[];
}

export interface ApprovalStepPlan extends PlanStepBase {
  kind: 'approval';
  approvers: ApproverSetPlan;
  quorum: number;
  rejectOnFirst: boolean;
  timeoutMs?: number;
  onTimeout: 'approve' | 'reject' | 'fail' | 'escalate';
  escalation?: {
    approvers: ApproverSetPlan;
    quorum: number;
    timeoutMs?: number;
    onTimeout: 'approve' | 'reject' | 'fail';
  };
  reminder?: { everyMs: number; webhook?: Template };
  message?: Template;
}

export interface InputStepPlan extends PlanStepBase {
  kind: 'input';
  from: ApproverSetPlan;
  schema: JsonObject;
  timeoutMs?: number;
  message?: Template;
}

export type PlanStep =
  | UsesStepPlan
  | ParallelStepPlan
  | MapStepPlan
  | SwitchStepPlan
  | LoopStepPlan
  | WaitStepPlan
  | PipelineStepPlan
  | SetStepPlan
  | FailStepPlan
  | ApprovalStepPlan
  | InputStepPlan;

export type ScheduleOverlapPlan =
  'skip' | 'bufferOne' | 'bufferAll' | 'cancelOther' | 'terminateOther' | 'allowAll';

/** A schedule carried through from `spec.schedule` (added by the DSL compiler; optional). */
export interface SchedulePlan {
  /** Five-field cron, `@daily`-style macro, or `@every <duration>`. */
  cron: string;
  /** IANA time zone; default `UTC`. */
  timezone: string;
  /** What to do when a run is still going at the next fire time (Temporal's overlap policy); default `skip`. */
  overlap: ScheduleOverlapPlan;
  /** Input of each scheduled run (already checked against `inputSchema`); default `{}`. */
  input: Json;
}

export interface PipelinePlan {
  apiVersion: typeof PLAN_API_VERSION;
  pipeline: { name: string; version: number; tags: string[] };
  /** sha256 hex of the canonical JSON of the source document. */
  digest: string;
  inputSchema?: JsonObject;
  /** Top-level steps in a topological order consistent with `needs`. */
  steps: PlanStep[];
  output?: Expr;
  /** Activity names used anywhere in the plan (including nested steps and child plans). */
  activities: string[];
  /** Present when the document has `spec.schedule`. */
  schedule?: SchedulePlan;
}
