import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import {
  createActivities,
  EnvSecretProvider,
  type ActivityDefinition,
  type BlobStore,
  type SecretProvider,
} from '../../src/index';

const noop = () => undefined;
/** The SDK logs every failed attempt; tests assert on failures instead. */
export const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export interface ActivityRun<T> {
  env: MockActivityEnvironment;
  heartbeats: unknown[];
  result: Promise<T>;
}

/**
 * Runs one activity definition the way a worker does (input parsed by its schema, the real
 * activity context from the Temporal SDK), outside a workflow. The step path is `fetch` and the
 * run `run-1` unless `info` says otherwise.
 */
export function runActivity<T = unknown>(
  def: ActivityDefinition,
  input: unknown,
  opts: { secrets?: Record<string, string> | SecretProvider; info?: Partial<Info>; blobs?: BlobStore } = {},
): ActivityRun<T> {
  const env = new MockActivityEnvironment(
    {
      activityId: 'fetch',
      activityType: def.name,
      workflowExecution: { workflowId: 'run-1', runId: '00000000-0000-0000-0000-000000000001' },
      ...opts.info,
    },
    { logger: quietLogger },
  );
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  const secrets =
    opts.secrets && 'get' in opts.secrets && typeof opts.secrets.get === 'function'
      ? (opts.secrets as SecretProvider)
      : new EnvSecretProvider(
          Object.fromEntries(
            Object.entries((opts.secrets ?? {}) as Record<string, string>).map(([k, v]) => [
              `FLOWGATE_SECRET_${k.toUpperCase().replace(/[.-]/g, '_')}`,
              v,
            ]),
          ),
        );
  const fn = createActivities([def], { secrets, ...(opts.blobs ? { blobs: opts.blobs } : {}) })[def.name]!;
  return { env, heartbeats, result: env.run(fn as (input: unknown) => Promise<T>, input) };
}

/** Awaits a promise expected to reject and returns the error. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure, got a result');
}
