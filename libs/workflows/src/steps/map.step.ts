import type { AggregatePlan, Json, MapStepPlan } from '@flowgate/dsl';
import { maxBy, reduceAsync, vote } from '../decisions/aggregate.decision';
import { runMapItems } from '../runtime/map-items';
import type { ExprContext, Runtime, Scope } from '../runtime/runtime.types';

/**
 * `map`: the nested steps run once per item (`item`, `index` in expressions), each item in its
 * own scope with paths `map[i]/step`. Up to `batchSize` items run inline with `concurrency`;
 * more run as `runMapBatch` child workflows. The item's output is its last step's output; the
 * step's result is the aggregate of the item outputs.
 */
export async function runMapStep(step: MapStepPlan, scope: Scope, rt: Runtime, path: string): Promise<Json> {
  const ctx = rt.context(scope);
  const value = await rt.evaluate(step.items, ctx, path, 'items');
  const items: Json[] = value === null ? [] : Array.isArray(value) ? value : [value];
  rt.progress.items(path, { total: items.length, succeeded: 0, failed: 0 });
  const { outputs } = await runMapItems(
    { map: step, mapPath: path, items, offset: 0, concurrency: step.concurrency, scope },
    rt,
  );
  return aggregate(step.aggregate, outputs, items, ctx, rt, path);
}

/** Aggregation context per item: `output` (the item's output), `item`, `index`, plus `acc` for reduce. */
export async function aggregate(
  plan: AggregatePlan,
  outputs: Json[],
  items: readonly Json[],
  ctx: ExprContext,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const itemCtx = (i: number, extra: Record<string, Json> = {}): ExprContext => ({
    ...ctx,
    output: outputs[i] ?? null,
    item: items[i] ?? null,
    index: i,
    ...extra,
  });
  const keys = async (expr: string | undefined, field: string): Promise<Json[]> => {
    if (expr === undefined) return outputs;
    const out: Json[] = [];
    for (let i = 0; i < outputs.length; i++) {
      out.push(await rt.evaluate(expr, itemCtx(i), path, field));
      await rt.yieldIfBusy();
    }
    return out;
  };
  switch (plan.mode) {
    case 'collect':
      return outputs;
    case 'vote':
      return vote(outputs, await keys(plan.by, 'aggregate.by')).winner;
    case 'maxBy':
      return maxBy(outputs, await keys(plan.by, 'aggregate.by'));
    case 'reduce':
      return reduceAsync(outputs, plan.initial, async (acc, _output, i) => {
        const next = await rt.evaluate(plan.reducer, itemCtx(i, { acc }), path, 'aggregate.reducer');
        await rt.yieldIfBusy();
        return next;
      });
  }
}
