import type { RetryPlan, TimeoutPlan } from '@flowgate/dsl';
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';

/** Maps a step's retry plan to Temporal's RetryPolicy. Pure. `maxAttempts: 0` means unlimited (Temporal's convention). */
export function toRetryPolicy(retry: RetryPlan): RetryPolicy {
  const initial = Math.max(1, Math.round(retry.initialIntervalMs));
  return {
    maximumAttempts: Math.max(0, Math.floor(retry.maxAttempts)),
    initialInterval: initial,
    backoffCoefficient: Math.max(1, retry.backoffCoefficient),
    maximumInterval: Math.max(initial, Math.round(retry.maxIntervalMs)),
    nonRetryableErrorTypes: [...retry.nonRetryable],
  };
}

/** Explicit activity timeouts from a step's timeout plan (startToClose always set). */
export function toActivityTimeouts(
  timeout: TimeoutPlan,
): Pick<ActivityOptions, 'startToCloseTimeout' | 'scheduleToCloseTimeout' | 'heartbeatTimeout'> {
  const out: Pick<ActivityOptions, 'startToCloseTimeout' | 'scheduleToCloseTimeout' | 'heartbeatTimeout'> = {
    startToCloseTimeout: Math.max(1, Math.round(timeout.startToCloseMs)),
  };
  if (timeout.scheduleToCloseMs !== undefined)
    out.scheduleToCloseTimeout = Math.max(1, Math.round(timeout.scheduleToCloseMs));
  if (timeout.heartbeatMs !== undefined) out.heartbeatTimeout = Math.max(1, Math.round(timeout.heartbeatMs));
  return out;
}
