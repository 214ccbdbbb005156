import type { CompensationEntry } from '../wire/run.types';
import { isWithin } from './paths.decision';

/** Saga bookkeeping. Pure. Entries are kept in completion order. */

/** The order in which compensations run: reverse completion order. */
export function unwindOrder(entries: readonly CompensationEntry[]): CompensationEntry[] {
  return [...entries].reverse();
}

/** Splits entries into those registered inside the subtree of `ancestorPath` and the rest. */
export function partitionWithin(
  entries: readonly CompensationEntry[],
  ancestorPath: string,
): { inside: CompensationEntry[]; outside: CompensationEntry[] } {
  const inside: CompensationEntry[] = [];
  const outside: CompensationEntry[] = [];
  for (const e of entries) (isWithin(e.stepPath, ancestorPath) ? inside : outside).push(e);
  return { inside, outside };
}
