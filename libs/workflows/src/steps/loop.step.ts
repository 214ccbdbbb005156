import type { Json, LoopStepPlan } from '@flowgate/dsl';
import { iterationPrefix } from '../decisions/paths.decision';
import { truthy } from '../decisions/values.decision';
import type { StepRecord } from '../wire/run.types';
import type { Runtime, Scope } from '../runtime/runtime.types';

/**
 * `loop`: runs its body until `while` is false (checked before each iteration) or `until` is
 * true (checked after), at most `maxIterations` times (reaching the cap ends the loop normally).
 * Iteration i has paths `loop[i]/step` and `index = i`; the previous iteration's step records are
 * visible as `steps.<id>` (accumulators). The result is the last iteration's last output.
 * A top-level loop continues-as-new when history grows long, carrying its state.
 */
export async function runLoopStep(
  step: LoopStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  let iteration = 0;
  let previous: Record<string, StepRecord> = {};
  let last: Json = null;
  const resumed = scope.topLevel ? rt.takeResumedLoop(step.id) : undefined;
  if (resumed) ({ iteration, previous, last } = resumed);

  while (iteration < step.maxIterations) {
    const iterScope: Scope = {
      ...scope,
      prefix: iterationPrefix(path, iteration),
      visible: { ...scope.visible, ...previous },
      index: iteration,
      topLevel: false,
    };
    if (
      step.while !== undefined &&
      !truthy(await rt.evaluate(step.while, rt.context(iterScope), path, 'while'))
    )
      break;
    if (iteration > 0) rt.progress.prune(iterationPrefix(path, iteration - 1));
    const outcome = await rt.runBlock(step.steps, iterScope);
    previous = outcome.results;
    last = outcome.last;
    iteration++;
    rt.progress.update(path, { iterations: iteration });
    if (step.until !== undefined) {
      const after = rt.context({ ...iterScope, visible: { ...scope.visible, ...previous } });
      if (truthy(await rt.evaluate(step.until, after, path, 'until'))) break;
    }
    await rt.yieldIfBusy();
    if (scope.topLevel && iteration < step.maxIterations) {
      await rt.maybeContinueAsNew({ stepId: step.id, iteration, previous, last });
    }
  }
  return last;
}
