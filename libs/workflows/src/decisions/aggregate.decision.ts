import type { Json } from '@flowgate/dsl';
import { canonicalJson } from './values.decision';

/** Aggregation of map item outputs. Pure; expression evaluation of keys happens in the caller. */

/**
 * The output whose key occurs most often (keys compared as canonical JSON). Ties go to the key
 * seen first. Returns `{ winner, votes, total }`; null winner for no items.
 */
export function vote(
  outputs: readonly Json[],
  keys: readonly Json[],
): { winner: Json; votes: number; total: number } {
  const counts = new Map<string, { count: number; first: number }>();
  keys.forEach((key, i) => {
    const k = canonicalJson(key);
    const entry = counts.get(k);
    if (entry) entry.count++;
    else counts.set(k, { count: 1, first: i });
  });
  let best: { count: number; first: number } | undefined;
  for (const entry of counts.values()) {
    if (!best || entry.count > best.count || (entry.count === best.count && entry.first < best.first))
      best = entry;
  }
  return {
    winner: best ? (outputs[best.first] ?? null) : null,
    votes: best?.count ?? 0,
    total: outputs.length,
  };
}

/** Compares keys: numbers before strings, numbers numerically, strings lexically; other keys are ignored. */
function comparable(key: Json): number | string | undefined {
  return typeof key === 'number' || typeof key === 'string' ? key : undefined;
}

/** The output with the greatest key (first one on ties); null when no item has a number or string key. */
export function maxBy(outputs: readonly Json[], keys: readonly Json[]): Json {
  let bestIndex = -1;
  let bestKey: number | string | undefined;
  keys.forEach((raw, i) => {
    const key = comparable(raw);
    if (key === undefined) return;
    if (
      bestKey === undefined ||
      (typeof key === typeof bestKey && key > bestKey) ||
      (typeof key === 'string' && typeof bestKey === 'number')
    ) {
      bestKey = key;
      bestIndex = i;
    }
  });
  return bestIndex >= 0 ? (outputs[bestIndex] ?? null) : null;
}

/** Left fold with an async reducer (the reducer is an expression evaluated by the interpreter). */
export async function reduceAsync(
  outputs: readonly Json[],
  initial: Json,
  reducer: (acc: Json, output: Json, index: number) => Promise<Json>,
): Promise<Json> {
  let acc = initial;
  for (let i = 0; i < outputs.length; i++) {
    acc = await reducer(acc, outputs[i] ?? null, i);
  }
  return acc;
}
