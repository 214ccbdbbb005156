/** How a map's items are split into child workflows (bounded history). Pure. */

/** Half-open range of item indexes: [from, to). */
export interface BatchRange {
  from: number;
  to: number;
}

/**
 * Ranges for child workflows, or [] when the items run inline (count ≤ batchSize). With more
 * than `maxChildren` batches, ranges grow so that at most `maxChildren` children are started
 * (each child then splits its range again), giving a tree with bounded fan-out.
 */
export function planBatches(count: number, batchSize: number, maxChildren: number): BatchRange[] {
  const size = Math.max(1, Math.floor(batchSize));
  if (count <= size) return [];
  const children = Math.ceil(count / size);
  const rangeSize = children > maxChildren ? Math.ceil(count / Math.max(1, maxChildren)) : size;
  const ranges: BatchRange[] = [];
  for (let from = 0; from < count; from += rangeSize)
    ranges.push({ from, to: Math.min(count, from + rangeSize) });
  return ranges;
}

/**
 * Splits a map's concurrency between children so that the whole map never runs more than
 * `concurrency` items at once: each child runs up to `perChild` items and `parallelChildren`
 * children run at a time.
 */
export function splitConcurrency(
  concurrency: number,
  largestRange: number,
): { perChild: number; parallelChildren: number } {
  const total = Math.max(1, Math.floor(concurrency));
  const perChild = Math.max(1, Math.min(total, largestRange));
  return { perChild, parallelChildren: Math.max(1, Math.floor(total / perChild)) };
}

/**
 * Spreads a map's concurrency over its batch children: as many children at once as the
 * concurrency allows (at most one per batch), the concurrency shared evenly among them. A
 * 10,000-item map with concurrency 100 in 20 batches runs 20 children of 5 at a time, instead of
 * one child of 100 after another (which idles at every batch's tail and pays each child's start
 * in sequence).
 */
export function spreadConcurrency(
  concurrency: number,
  batches: number,
): { perChild: number; parallelChildren: number } {
  const total = Math.max(1, Math.floor(concurrency));
  const parallelChildren = Math.max(1, Math.min(total, Math.floor(batches)));
  return { perChild: Math.max(1, Math.floor(total / parallelChildren)), parallelChildren };
}

/** Patch id guarding the switch from splitConcurrency to spreadConcurrency in running workflows. */
export const SPREAD_BATCH_CONCURRENCY_PATCH = 'map-spread-batch-concurrency';

/** Whether an execution should stop starting work and continue-as-new. */
export function shouldContinueAsNew(historyLength: number, suggested: boolean, threshold: number): boolean {
  return suggested || historyLength >= threshold;
}
