import { ApplicationFailure } from '@temporalio/common';
import { condition } from '@temporalio/workflow';
import type { InputStepPlan, Json } from '@flowgate/dsl';
import { describeApprovers, isOpen } from '../decisions/approval.decision';
import { ERROR_TYPES } from '../wire/names';
import type { Runtime, Scope } from '../runtime/runtime.types';
import { openRequest, settleRequest } from './hitl-common';

/**
 * `input` (HITL): waits for one person of `from` (anyone when empty) to submit data matching
 * `schema` (invalid data is refused before anything is recorded). Output: the submitted data.
 * Past `timeoutMs` the step fails with a non-retryable InputTimedOut.
 */
export async function runInputStep(
  step: InputStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const message =
    step.message !== undefined
      ? await rt.template(step.message, rt.context(scope), path, 'message')
      : undefined;
  const request = openRequest(rt, path, step, {
    kind: 'input',
    approvers: step.from,
    quorum: 1,
    rejectOnFirst: false,
    timeoutMs: step.timeoutMs,
    schema: step.schema,
    ...(message !== undefined ? { message } : {}),
  });
  try {
    const answered =
      step.timeoutMs === undefined
        ? await condition(() => !isOpen(request)).then(() => true)
        : await condition(() => !isOpen(request), Math.max(step.timeoutMs, 1));
    if (!answered) {
      request.status = 'timed_out';
      request.decidedAt = new Date().toISOString();
      rt.hitl.changed(request);
      throw ApplicationFailure.create({
        type: ERROR_TYPES.inputTimedOut,
        message: `step '${path}': no input before the deadline (${describeApprovers(request.approvers)})`,
        nonRetryable: true,
      });
    }
    return request.output ?? null;
  } finally {
    settleRequest(rt, request);
  }
}
