import { sleep } from '@temporalio/workflow';
import type { Json, WaitStepPlan } from '@flowgate/dsl';
import { expressionError } from '../runtime/expressions';
import type { Runtime, Scope } from '../runtime/runtime.types';

/** `wait`: a durable timer for `durationMs`, or until the ISO time an expression yields (no wait if past). */
export async function runWaitStep(
  step: WaitStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  let ms = step.durationMs ?? 0;
  if (step.until !== undefined) {
    const value = await rt.evaluate(step.until, rt.context(scope), path, 'until');
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) {
      throw expressionError(
        path,
        'until',
        step.until,
        `expected an ISO-8601 time, got ${JSON.stringify(value)}`,
      );
    }
    ms = at - Date.now();
  }
  if (ms > 0) {
    rt.progress.update(path, { status: 'waiting' });
    await sleep(ms);
    rt.progress.update(path, { status: 'running' });
  }
  return { resumedAt: new Date().toISOString() };
}
