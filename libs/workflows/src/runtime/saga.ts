import { CancellationScope, log } from '@temporalio/workflow';
import { partitionWithin, unwindOrder } from '../decisions/compensation.decision';
import { compensationPrefix } from '../decisions/paths.decision';
import type { CompensationEntry } from '../wire/run.types';
import type { Runtime } from './runtime.types';

/**
 * Saga compensations of completed steps, in completion order. Unwinding runs them in reverse
 * order inside a non-cancellable scope, so they also run after the run was cancelled. A failing
 * compensation is logged and shown in progress; the others still run.
 */
export class Saga {
  private entries: CompensationEntry[];

  constructor(restored: CompensationEntry[] = []) {
    this.entries = [...restored];
  }

  register(entry: CompensationEntry): void {
    this.entries.push(entry);
  }

  registerAll(entries: readonly CompensationEntry[]): void {
    this.entries.push(...entries);
  }

  list(): CompensationEntry[] {
    return [...this.entries];
  }

  /** Unwinds everything registered (the run failed or was cancelled). */
  async unwindAll(rt: Runtime): Promise<void> {
    const all = this.entries;
    this.entries = [];
    await this.unwind(all, rt);
  }

  /** Unwinds the compensations registered inside the subtree of `path` (a contained failure). */
  async unwindWithin(path: string, rt: Runtime): Promise<void> {
    const { inside, outside } = partitionWithin(this.entries, path);
    if (inside.length === 0) return;
    this.entries = outside;
    await this.unwind(inside, rt);
  }

  private async unwind(entries: CompensationEntry[], rt: Runtime): Promise<void> {
    if (entries.length === 0) return;
    await CancellationScope.nonCancellable(async () => {
      for (const e of unwindOrder(entries)) {
        try {
          const scope = {
            prefix: compensationPrefix(e.stepPath),
            visible: e.visible,
            topLevel: false,
            detail: true,
            ...(e.item !== undefined ? { item: e.item } : {}),
            ...(e.index !== undefined ? { index: e.index } : {}),
          };
          await rt.runBlock(e.steps, scope);
          rt.progress.update(e.stepPath, { status: 'compensated' });
        } catch (err) {
          log.warn('compensation failed', { stepPath: e.stepPath, error: String(err) });
        }
      }
    });
  }
}
