import { ContinueAsNew, continueAsNew, isCancellation, setHandler } from '@temporalio/workflow';
import { Interpreter } from '../runtime/interpreter';
import { runMapItems } from '../runtime/map-items';
import type { RunMapBatchInput, RunMapBatchResult } from '../wire/run.types';
import { installHitlHandlers, progressQuery } from './messages';

/**
 * A contiguous slice of a map's items, run as a child workflow so that no execution's history
 * grows with the map's size. Continues-as-new itself when its history grows long; returns the
 * item outputs in order and the compensations its items registered (for the parent's saga).
 */
export async function runMapBatch(args: RunMapBatchInput): Promise<RunMapBatchResult> {
  const rt = new Interpreter({
    input: args.input,
    run: args.run,
    pipeline: { name: args.mapPath, version: 0 },
    ...(args.limits ? { limits: args.limits } : {}),
  });
  rt.saga.registerAll(args.compensations ?? []);
  setHandler(progressQuery, () => rt.progress.snapshot());
  installHitlHandlers(rt.hitl);
  const done = args.done ?? [];
  rt.progress.items(args.mapPath, { total: done.length + args.items.length, succeeded: done.length });

  try {
    const result = await runMapItems(
      {
        map: args.map,
        mapPath: args.mapPath,
        items: args.items,
        offset: args.offset,
        concurrency: args.concurrency,
        scope: {
          prefix: '',
          visible: args.visible,
          topLevel: false,
          detail: true,
          ...(args.outerItem !== undefined ? { item: args.outerItem } : {}),
          ...(args.outerIndex !== undefined ? { index: args.outerIndex } : {}),
        },
        stopForContinueAsNew: true,
      },
      rt,
    );
    if (result.done < args.items.length) {
      await continueAsNew<typeof runMapBatch>({
        ...args,
        items: args.items.slice(result.done),
        offset: args.offset + result.done,
        done: [...done, ...result.outputs],
        compensations: rt.saga.list(),
      });
    }
    rt.progress.status = 'succeeded';
    return { outputs: [...done, ...result.outputs], compensations: rt.saga.list() };
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    rt.progress.status = isCancellation(err) ? 'cancelled' : 'failed';
    await rt.saga.unwindAll(rt);
    throw err;
  }
}
