import type { ApprovalStepPlan, Json } from '@flowgate/dsl';
import type { Runtime, Scope } from '../runtime/runtime.types';
import { notImplemented } from './not-implemented';

/** `approval` (HITL): not implemented yet; fails with a non-retryable NotImplemented. */
export function runApprovalStep(
  step: ApprovalStepPlan,
  _scope: Scope,
  _rt: Runtime,
  path: string,
): Promise<Json> {
  return Promise.reject(notImplemented(step.kind, path));
}
