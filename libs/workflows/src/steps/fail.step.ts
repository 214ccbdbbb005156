import { ApplicationFailure } from '@temporalio/common';
import type { FailStepPlan, Json } from '@flowgate/dsl';
import { interpolate } from '../decisions/values.decision';
import type { Runtime, Scope } from '../runtime/runtime.types';

/** `fail`: a non-retryable ApplicationFailure of the step's errorType with the evaluated message. */
export async function runFailStep(
  step: FailStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const message = interpolate(await rt.template(step.message, rt.context(scope), path, 'message'));
  throw ApplicationFailure.create({
    type: step.errorType,
    message: message || `step '${path}' failed`,
    nonRetryable: true,
    details: [{ stepPath: path }],
  });
}
