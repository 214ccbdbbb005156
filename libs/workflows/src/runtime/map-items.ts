import { CancellationScope, executeChild, patched, workflowInfo } from '@temporalio/workflow';
import { executeUsesDirect } from './direct-uses';
import { executeStep } from './execute-step';
import type { Json, MapStepPlan } from '@flowgate/dsl';
import {
  planBatches,
  shouldContinueAsNew,
  splitConcurrency,
  spreadConcurrency,
  SPREAD_BATCH_CONCURRENCY_PATCH,
} from '../decisions/batch.decision';
import { batchWorkflowId, itemPrefix } from '../decisions/paths.decision';
import { RUN_MAP_BATCH_WORKFLOW } from '../wire/names';
import type { RunMapBatchInput, RunMapBatchResult } from '../wire/run.types';
import type { Runtime, Scope } from './runtime.types';

type RunMapBatch = (input: RunMapBatchInput) => Promise<RunMapBatchResult>;

/** Patch id of running single-step map items without a block (fewer promises per item). */
export const SINGLE_STEP_ITEMS_PATCH = 'map-single-step-items';

/** Patch id of running a single-`uses`-step item as one promise chain (`executeUsesDirect`). */
export const DIRECT_USES_ITEMS_PATCH = 'map-direct-uses-items';

export interface MapItemsRequest {
  map: MapStepPlan;
  mapPath: string;
  items: readonly Json[];
  /** Global index of items[0]. */
  offset: number;
  concurrency: number;
  /** The map step's scope (items see its `visible`). */
  scope: Scope;
  /** Batch children only: stop starting items when history is long (then continue-as-new). */
  stopForContinueAsNew?: boolean;
}

export interface MapItemsResult {
  /** Outputs of items [0, done), in order. */
  outputs: Json[];
  /** Items finished; less than items.length only when stopped for continue-as-new. */
  done: number;
}

/**
 * Runs a worker pool over indexes [0, count): at most `concurrency` at once, in index order.
 * The first failure cancels the rest and is rethrown once they settled.
 */
async function pool(
  count: number,
  concurrency: number,
  run: (i: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<number> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const scope = new CancellationScope();
  await scope.run(async () => {
    const worker = async (): Promise<void> => {
      while (!failure && next < count && !stop()) {
        const i = next++;
        try {
          await run(i);
        } catch (error) {
          if (!failure) {
            failure = { error };
            scope.cancel();
          }
        }
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, () => worker());
    await Promise.all(workers);
  });
  if (failure) throw failure.error;
  return next;
}

/** Runs a map's items inline (≤ batchSize) or as `runMapBatch` child workflows (bounded history). */
export async function runMapItems(req: MapItemsRequest, rt: Runtime): Promise<MapItemsResult> {
  const { map, mapPath, items, offset, scope } = req;
  const ranges = planBatches(items.length, map.batchSize, rt.limits.maxBatchChildren);
  const outputs: Json[] = new Array<Json>(items.length).fill(null);

  if (ranges.length === 0) {
    const concurrency = Math.min(req.concurrency, rt.limits.maxInlineConcurrency);
    const stop = req.stopForContinueAsNew
      ? () => {
          const info = workflowInfo();
          return shouldContinueAsNew(
            info.historyLength,
            info.continueAsNewSuggested,
            rt.limits.continueAsNewAfterEvents,
          );
        }
      : undefined;
    const only = map.steps.length === 1 ? map.steps[0] : undefined;
    const itemScope = (i: number): Scope => {
      const index = offset + i;
      return {
        prefix: itemPrefix(mapPath, index),
        visible: scope.visible,
        item: items[i] ?? null,
        index,
        topLevel: false,
        detail: scope.detail && i < rt.limits.progressItemDetail,
      };
    };
    const runItem = async (i: number): Promise<void> => {
      try {
        const s = itemScope(i);
        // The common map of one step per item needs no DAG scheduler or block scope of its own:
        // the step runs directly (same result: a block's output is its last step's output).
        if (only && patched(SINGLE_STEP_ITEMS_PATCH)) {
          outputs[i] = (await executeStep(only, { ...s, visible: { ...scope.visible } }, rt)).output ?? null;
        } else {
          outputs[i] = (await rt.runBlock(map.steps, s)).last;
        }
        rt.progress.itemDone(mapPath, true);
      } catch (err) {
        rt.progress.itemDone(mapPath, false);
        throw err;
      }
    };
    const direct =
      only?.kind === 'uses' &&
      only.when === undefined &&
      only.output === undefined &&
      patched(SINGLE_STEP_ITEMS_PATCH) &&
      patched(DIRECT_USES_ITEMS_PATCH)
        ? only
        : undefined;
    const done = await pool(
      items.length,
      concurrency,
      direct
        ? (i) => {
            const record = executeUsesDirect(direct, { ...itemScope(i), visible: { ...scope.visible } }, rt);
            if (!record) return runItem(i);
            return record.then(
              (r) => {
                outputs[i] = r.output ?? null;
                rt.progress.itemDone(mapPath, true);
              },
              (err: unknown) => {
                rt.progress.itemDone(mapPath, false);
                throw err;
              },
            );
          }
        : runItem,
      stop,
    );
    return { outputs: outputs.slice(0, done), done };
  }

  const largest = Math.max(...ranges.map((r) => r.to - r.from));
  const { perChild, parallelChildren } = patched(SPREAD_BATCH_CONCURRENCY_PATCH)
    ? spreadConcurrency(req.concurrency, ranges.length)
    : splitConcurrency(req.concurrency, largest);
  const parentId = workflowInfo().workflowId;
  rt.progress.items(mapPath, { batched: items.length });
  await pool(ranges.length, parallelChildren, async (k) => {
    const range = ranges[k];
    if (!range) return;
    const workflowId = batchWorkflowId(parentId, mapPath, offset + range.from, offset + range.to);
    rt.progress.addChild(mapPath, workflowId);
    const input: RunMapBatchInput = {
      map,
      mapPath,
      items: items.slice(range.from, range.to),
      offset: offset + range.from,
      concurrency: perChild,
      input: rt.input,
      run: rt.run,
      visible: { ...scope.visible },
      ...(scope.item !== undefined ? { outerItem: scope.item } : {}),
      ...(scope.index !== undefined ? { outerIndex: scope.index } : {}),
      ...(rt.limitOverrides ? { limits: rt.limitOverrides } : {}),
    };
    try {
      const result = await executeChild<RunMapBatch>(RUN_MAP_BATCH_WORKFLOW, { workflowId, args: [input] });
      result.outputs.forEach((o, j) => {
        outputs[range.from + j] = o;
      });
      rt.saga.registerAll(result.compensations);
      rt.progress.itemDone(mapPath, true, range.to - range.from);
    } catch (err) {
      rt.progress.itemDone(mapPath, false, range.to - range.from);
      throw err;
    }
  });
  return { outputs, done: items.length };
}
