import { ApplicationFailure } from '@temporalio/common';
import { CancellationScope } from '@temporalio/workflow';
import type { PlanStep } from '@flowgate/dsl';
import { isStuck, readySteps, type NodeState } from '../decisions/schedule.decision';
import { ERROR_TYPES } from '../wire/names';
import type { StepRecord } from '../wire/run.types';
import { executeStep } from './execute-step';
import type { BlockOutcome, Runtime, Scope } from './runtime.types';

/** Live view of the top-level block, for continue-as-new. */
export interface BlockHandle {
  results: Record<string, StepRecord>;
  running(): number;
}

/**
 * Runs a block of sibling steps as a DAG: every step whose `needs` are done starts at once
 * (independent steps run concurrently). The first failure not absorbed by `onError: continue`
 * cancels the block's running steps and is rethrown once they have settled.
 */
export async function runBlock(
  steps: readonly PlanStep[],
  scope: Scope,
  rt: Runtime,
  options: { prefilled?: Record<string, StepRecord>; onHandle?: (h: BlockHandle) => void } = {},
): Promise<BlockOutcome> {
  const results: Record<string, StepRecord> = { ...(options.prefilled ?? {}) };
  const state = new Map<string, NodeState>(steps.map((s) => [s.id, s.id in results ? 'done' : 'pending']));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const running = new Map<string, Promise<void>>();
  const stateOf = (id: string): NodeState => state.get(id) ?? 'done';
  options.onHandle?.({ results, running: () => running.size });

  const blockScope = new CancellationScope();
  await blockScope.run(async () => {
    let failure: { error: unknown } | undefined;
    for (;;) {
      if (!failure) {
        for (const id of readySteps(steps, stateOf)) {
          const step = byId.get(id);
          if (!step) continue;
          state.set(id, 'running');
          const snapshot: Scope = { ...scope, visible: { ...scope.visible, ...results } };
          running.set(
            id,
            executeStep(step, snapshot, rt).then(
              (record) => {
                results[id] = record;
                state.set(id, 'done');
                running.delete(id);
              },
              (error: unknown) => {
                state.set(id, 'done');
                running.delete(id);
                failure ??= { error };
              },
            ),
          );
        }
      }
      if (failure) {
        if (running.size > 0) {
          blockScope.cancel();
          await Promise.allSettled([...running.values()]);
        }
        throw failure.error;
      }
      if (running.size === 0) {
        if (isStuck(steps, stateOf)) {
          throw ApplicationFailure.create({
            type: ERROR_TYPES.plan,
            message: `steps under '${scope.prefix || '/'}' can never start (cycle in needs)`,
            nonRetryable: true,
          });
        }
        return;
      }
      await Promise.race(running.values());
    }
  });

  const lastStep = steps[steps.length - 1];
  return { results, last: lastStep ? (results[lastStep.id]?.output ?? null) : null };
}
