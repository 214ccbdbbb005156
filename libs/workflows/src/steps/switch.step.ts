import type { Json, SwitchStepPlan } from '@flowgate/dsl';
import { casePrefix } from '../decisions/paths.decision';
import { truthy } from '../decisions/values.decision';
import type { Runtime, Scope } from '../runtime/runtime.types';

/** `switch`: the first case whose `when` holds runs (else `default`); the result is its block's last output. */
export async function runSwitchStep(
  step: SwitchStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const ctx = rt.context(scope);
  for (let i = 0; i < step.cases.length; i++) {
    const c = step.cases[i];
    if (!c) continue;
    if (truthy(await rt.evaluate(c.when, ctx, path, `cases[${i}].when`))) {
      const outcome = await rt.runBlock(c.steps, { ...scope, prefix: casePrefix(path, i), topLevel: false });
      return outcome.last;
    }
  }
  if (step.default) {
    const outcome = await rt.runBlock(step.default, {
      ...scope,
      prefix: casePrefix(path, 'default'),
      topLevel: false,
    });
    return outcome.last;
  }
  return null;
}
