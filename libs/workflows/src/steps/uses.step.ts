import { ActivityFailure, RetryState } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type { Json, UsesStepPlan } from '@flowgate/dsl';
import { toActivityTimeouts, toRetryPolicy } from '../decisions/retry.decision';
import { toJson } from '../decisions/values.decision';
import type { Runtime, Scope } from '../runtime/runtime.types';

/** Any activity, called by its registered name with the evaluated `with` object. */
type StepActivity = (args: Json) => Promise<unknown>;

/**
 * The step's activity, invoked by its own registered name (visible as such in the Temporal UI),
 * with the step id as summary and the runtime step path as activity id (unique per execution,
 * stable across attempts: activities use workflowId + activityId as idempotency key).
 */
export function usesActivity(step: UsesStepPlan, path: string): StepActivity {
  const activities = proxyActivities<Record<string, StepActivity>>({
    ...toActivityTimeouts(step.timeout),
    retry: toRetryPolicy(step.retry),
    activityId: path,
    summary: step.id,
  });
  return activities[step.uses] as StepActivity;
}

/** Progress shows the attempts an activity used up when it failed with retries exhausted. */
export function noteActivityFailure(step: UsesStepPlan, rt: Runtime, path: string, err: unknown): void {
  if (err instanceof ActivityFailure && err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED) {
    rt.progress.update(path, { attempts: step.retry.maxAttempts });
  }
}

/** `uses`: one activity called with the evaluated `with` object. */
export async function runUsesStep(
  step: UsesStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const args = await rt.template(step.with, rt.context(scope), path, 'with');
  const activity = usesActivity(step, path);
  try {
    return toJson(await activity(args));
  } catch (err) {
    noteActivityFailure(step, rt, path, err);
    throw err;
  }
}
