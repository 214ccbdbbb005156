import type { RetrySpec, TimeoutSpec } from '../document/document.types';
import { durationMs } from '../document/duration';
import type { OnErrorPlan, RetryPlan, TimeoutPlan } from '../plan/plan.types';

/** Built-in defaults, applied after the document's `spec.defaults`. */
export const BUILTIN_DEFAULTS = {
  retry: {
    maxAttempts: 3,
    initialIntervalMs: 1_000,
    backoffCoefficient: 2,
    maxIntervalMs: 60_000,
    nonRetryable: [] as string[],
  },
  timeout: { startToCloseMs: 30_000 },
  onError: 'fail' as OnErrorPlan,
  parallel: { merge: 'collect', join: 'all' },
  map: { concurrency: 10, batchSize: 500, aggregate: 'collect' },
  loop: { maxIterations: 100 },
  approval: { quorum: 1, rejectOnFirst: true, onTimeout: 'reject', escalationOnTimeout: 'reject' },
  fail: { errorType: 'PipelineFailed' },
  schedule: { timezone: 'UTC', overlap: 'skip' },
} as const;

/** Field-wise: step value, else document default, else built-in. */
export function resolveRetry(docDefault: RetrySpec | undefined, step: RetrySpec | undefined): RetryPlan {
  const pick = <K extends keyof RetrySpec>(key: K): RetrySpec[K] => step?.[key] ?? docDefault?.[key];
  const initial = pick('initialInterval');
  const max = pick('maxInterval');
  return {
    maxAttempts: pick('maxAttempts') ?? BUILTIN_DEFAULTS.retry.maxAttempts,
    initialIntervalMs: initial !== undefined ? durationMs(initial) : BUILTIN_DEFAULTS.retry.initialIntervalMs,
    backoffCoefficient: pick('backoffCoefficient') ?? BUILTIN_DEFAULTS.retry.backoffCoefficient,
    maxIntervalMs: max !== undefined ? durationMs(max) : BUILTIN_DEFAULTS.retry.maxIntervalMs,
    nonRetryable: [...(pick('nonRetryable') ?? BUILTIN_DEFAULTS.retry.nonRetryable)],
  };
}

/** Field-wise: step value, else document default, else built-in (startToClose only). */
export function resolveTimeout(
  docDefault: TimeoutSpec | undefined,
  step: TimeoutSpec | undefined,
): TimeoutPlan {
  const pick = <K extends keyof TimeoutSpec>(key: K): TimeoutSpec[K] => step?.[key] ?? docDefault?.[key];
  const startToClose = pick('startToClose');
  const scheduleToClose = pick('scheduleToClose');
  const heartbeat = pick('heartbeat');
  return {
    startToCloseMs:
      startToClose !== undefined ? durationMs(startToClose) : BUILTIN_DEFAULTS.timeout.startToCloseMs,
    ...(scheduleToClose !== undefined ? { scheduleToCloseMs: durationMs(scheduleToClose) } : {}),
    ...(heartbeat !== undefined ? { heartbeatMs: durationMs(heartbeat) } : {}),
  };
}
