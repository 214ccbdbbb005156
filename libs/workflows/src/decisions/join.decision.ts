import type { JoinPlan } from '@flowgate/dsl';

/** Outcome of a parallel step's join given its branches' outcomes so far. Pure. */
export type JoinVerdict = 'wait' | 'succeed' | 'fail';

/**
 * - `all`: every branch must succeed; the first failure fails the step.
 * - `any`: the first success wins; fails only when every branch failed.
 * - `first`: the first branch to finish decides, success or failure.
 * - `atLeast(n)`: n successes win; fails as soon as n successes became impossible.
 * Once the verdict is not `wait`, the remaining branches are cancelled.
 */
export function joinVerdict(join: JoinPlan, total: number, succeeded: number, failed: number): JoinVerdict {
  switch (join.mode) {
    case 'all':
      if (failed > 0) return 'fail';
      return succeeded >= total ? 'succeed' : 'wait';
    case 'any':
      if (succeeded > 0) return 'succeed';
      return failed >= total ? 'fail' : 'wait';
    case 'first':
      if (succeeded > 0) return 'succeed';
      if (failed > 0) return 'fail';
      return total === 0 ? 'succeed' : 'wait';
    case 'atLeast': {
      const need = Math.max(0, join.n);
      if (succeeded >= need) return 'succeed';
      return total - failed < need ? 'fail' : 'wait';
    }
  }
}
