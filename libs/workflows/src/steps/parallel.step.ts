import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { Json, ParallelStepPlan } from '@flowgate/dsl';
import { joinVerdict, type JoinVerdict } from '../decisions/join.decision';
import { mergeBranches, type BranchResult } from '../decisions/merge.decision';
import { branchPrefix } from '../decisions/paths.decision';
import type { Runtime, Scope } from '../runtime/runtime.types';

/**
 * `parallel`: every branch runs in its own cancellation scope and immutable scope. Once the join
 * decides, unfinished branches are cancelled; compensations registered inside branches that did
 * not succeed (failed or cancelled losers) are unwound when the step succeeds. The result is the
 * merge of the succeeded branches' last outputs.
 */
export async function runParallelStep(
  step: ParallelStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const total = step.branches.length;
  const succeeded: BranchResult[] = [];
  const failures: unknown[] = [];
  const settled = new Set<number>();
  let verdict: JoinVerdict = joinVerdict(step.join, total, 0, 0);

  const scopes = step.branches.map(() => new CancellationScope());
  const pending = new Map<number, Promise<void>>();
  step.branches.forEach((branch, i) => {
    const branchScope: Scope = { ...scope, prefix: branchPrefix(path, i), topLevel: false };
    const cancellation = scopes[i] as CancellationScope;
    const p = cancellation
      .run(() => rt.runBlock(branch, branchScope))
      .then(
        (outcome) => {
          succeeded.push({ index: i, completion: succeeded.length + failures.length, output: outcome.last });
        },
        (err: unknown) => {
          failures.push(err);
        },
      )
      .finally(() => {
        settled.add(i);
        pending.delete(i);
      });
    pending.set(i, p);
  });

  while (verdict === 'wait' && pending.size > 0) {
    await Promise.race(pending.values());
    verdict = joinVerdict(step.join, total, succeeded.length, failures.length);
  }
  // Cancel the losers and let them settle (activities and children get their cancel requests).
  scopes.forEach((s, i) => {
    if (!settled.has(i)) s.cancel();
  });
  await Promise.allSettled([...pending.values()]);

  if (verdict !== 'succeed') {
    throw failures.find((f) => !isCancellation(f)) ?? failures[0];
  }
  const winners = new Set(succeeded.map((b) => b.index));
  for (let i = 0; i < total; i++) {
    if (!winners.has(i)) await rt.saga.unwindWithin(branchPrefix(path, i).slice(0, -1), rt);
  }
  return mergeBranches(step.merge, succeeded);
}
