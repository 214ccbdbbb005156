import { ActivityFailure, RetryState } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type { Json, UsesStepPlan } from '@flowgate/dsl';
import { toActivityTimeouts, toRetryPolicy } from '../decisions/retry.decision';
import { toJson } from '../decisions/values.decision';
import type { Runtime, Scope } from '../runtime/runtime.types';

/** Any activity, called by its registered name with the evaluated `with` object. */
type StepActivity = (args: Json) => Promise<unknown>;

/**
 * `uses`: one activity invoked by its own registered name (visible as such in the Temporal UI),
 * with the step id as summary and the runtime step path as activity id (unique per execution,
 * stable across attempts: activities use workflowId + activityId as idempotency key).
 */
export async function runUsesStep(
  step: UsesStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const args = await rt.template(step.with, rt.context(scope), path, 'with');
  const activities = proxyActivities<Record<string, StepActivity>>({
    ...toActivityTimeouts(step.timeout),
    retry: toRetryPolicy(step.retry),
    activityId: path,
    summary: step.id,
  });
  const activity = activities[step.uses] as StepActivity;
  try {
    return toJson(await activity(args));
  } catch (err) {
    if (err instanceof ActivityFailure && err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED) {
      rt.progress.update(path, { attempts: step.retry.maxAttempts });
    }
    throw err;
  }
}
