import type { Json, MergeStrategy } from '@flowgate/dsl';
import { isPlainObject } from './values.decision';

/** A succeeded branch of a parallel step. */
export interface BranchResult {
  /** Position of the branch in the plan. */
  index: number;
  /** Order in which the branch finished (0 = first). */
  completion: number;
  output: Json;
}

/** Recursive merge: objects merge key by key; anything else (arrays, scalars) is replaced by the later value. */
export function deepMerge(a: Json, b: Json): Json {
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: { [key: string]: Json } = { ...a };
    for (const [k, v] of Object.entries(b)) {
      out[k] = k in out ? deepMerge(out[k] ?? null, v) : v;
    }
    return out;
  }
  return b;
}

/** One-level merge: keys of later objects replace earlier ones; a non-object replaces the accumulator. */
export function shallowMerge(a: Json, b: Json): Json {
  if (isPlainObject(a) && isPlainObject(b)) return { ...a, ...b };
  return b;
}

/**
 * Combines the outputs of a parallel step's succeeded branches. Branch order (plan order) for
 * deep/shallow/append/collect; completion order for `first`. Null outputs (e.g. a branch whose
 * last step was skipped) are ignored by deep/shallow/append and kept by collect.
 */
export function mergeBranches(strategy: MergeStrategy, branches: readonly BranchResult[]): Json {
  const byIndex = [...branches].sort((x, y) => x.index - y.index);
  const outputs = byIndex.map((b) => b.output);
  switch (strategy) {
    case 'collect':
      return outputs;
    case 'first': {
      const first = [...branches].sort((x, y) => x.completion - y.completion)[0];
      return first ? first.output : null;
    }
    case 'deep':
      return outputs
        .filter((o) => o !== null)
        .reduce<Json>((acc, o) => (acc === null ? o : deepMerge(acc, o)), null);
    case 'shallow':
      return outputs
        .filter((o) => o !== null)
        .reduce<Json>((acc, o) => (acc === null ? o : shallowMerge(acc, o)), null);
    case 'append':
      return outputs.filter((o) => o !== null).flatMap((o) => (Array.isArray(o) ? o : [o]));
  }
}
