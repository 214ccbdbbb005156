import type { InputStepPlan, Json } from '@flowgate/dsl';
import type { Runtime, Scope } from '../runtime/runtime.types';
import { notImplemented } from './not-implemented';

/** `input` (HITL): not implemented yet; fails with a non-retryable NotImplemented. */
export function runInputStep(step: InputStepPlan, _scope: Scope, _rt: Runtime, path: string): Promise<Json> {
  return Promise.reject(notImplemented(step.kind, path));
}
