import type { Json, SetStepPlan } from '@flowgate/dsl';
import type { Runtime, Scope } from '../runtime/runtime.types';

/** `set`: the evaluated `values` template is the step's result. */
export function runSetStep(step: SetStepPlan, scope: Scope, rt: Runtime, path: string): Promise<Json> {
  return rt.template(step.values, rt.context(scope), path, 'values');
}
