import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { RunsRepository } from '@flowgate/store';
import { TEMPORAL_CLIENT } from '../../infra/temporal.module';
import { RunReconcilerService } from '../run-reconciler.service';

/**
 * While someone follows a run (SSE, subscription), waits on the workflow's result in Temporal
 * (one long poll per run per process) and reconciles the projection as soon as it ends, so the
 * terminal status reaches PostgreSQL (and hence NOTIFY) even before the worker writes run-level
 * status itself. Redundant, and harmless, once it does: terminal states are written once.
 */
@Injectable()
export class RunCompletionWatcher {
  private readonly logger = new Logger(RunCompletionWatcher.name);
  private readonly watched = new Map<string, number>();

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    private readonly runs: RunsRepository,
    private readonly reconciler: RunReconcilerService,
  ) {}

  /** Starts watching (reference-counted); returns the function that stops this watch. */
  watch(tenant: string, runId: string): () => void {
    const count = this.watched.get(runId) ?? 0;
    this.watched.set(runId, count + 1);
    if (count === 0) void this.loop(tenant, runId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.watched.get(runId) ?? 1) - 1;
      if (n <= 0) this.watched.delete(runId);
      else this.watched.set(runId, n);
    };
  }

  private async loop(tenant: string, runId: string): Promise<void> {
    while (this.watched.has(runId)) {
      try {
        await this.client.workflow.getHandle(runId).result();
      } catch {
        // Failed, cancelled, terminated or unreachable: the reconciler reads the real outcome.
      }
      if (!this.watched.has(runId)) return;
      try {
        const run = await this.runs.get(tenant, runId);
        if (!run) return;
        const reconciled = await this.reconciler.reconcile(run);
        if (reconciled.status !== 'running' && reconciled.status !== 'waiting') return;
      } catch (err) {
        this.logger.warn({ runId, err: (err as Error).message }, 'could not reconcile a followed run');
      }
      // Still running (e.g. reset to an earlier point): wait again, without spinning.
      await new Promise((r) => setTimeout(r, 1_000).unref());
    }
  }
}
