import type { InjectedSinks } from '@temporalio/worker';
import type { Logger } from '@flowgate/config';
import type {
  ApprovalState,
  ApprovalsRepository,
  RunTreeRepository,
  RunTreeRun,
  RunTreeStep,
} from '@flowgate/store';
import {
  PROJECTION_SINK,
  type ApprovalChange,
  type ProjectionSinks,
  type RunChange,
  type StepChange,
  type WaitingFor,
} from '@flowgate/workflows';

const FLUSH_INTERVAL_MS = 200;
const MAX_BATCH = 500;
const TERMINAL_RUN = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Writes the run tree the interpreter reports (through the projection sink) to PostgreSQL.
 * Changes are coalesced per run / per step (each carries the entity's whole state) and flushed
 * every 200 ms, so the projection trails execution by well under a second without a write per
 * event. Writes are retried on the next flush if PostgreSQL is unavailable; the newest state wins.
 * With an ApprovalsRepository it also writes HITL requests (the `approvals` table and their audit
 * events) and who waiting runs wait for (`runs.waiting_for`).
 */
export class RunTreeProjector {
  private runs = new Map<string, RunTreeRun>();
  private steps = new Map<string, RunTreeStep>();
  private approvals = new Map<string, ApprovalState>();
  private waiting = new Map<string, WaitingFor[] | null>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly repo: RunTreeRepository,
    private readonly logger: Logger,
    private readonly approvalsRepo?: ApprovalsRepository,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /**
   * A run's change. `temporalRunId` (the first execution's run id) is given when the change comes
   * from the run's own workflow: the projection records it with the run's first report.
   */
  run(change: RunChange, temporalRunId?: string): void {
    const earlier = this.runs.get(change.runId);
    // Keep the input of a first `running` report (and the run id) when a later change coalesces over it.
    const { waitingFor, ...run } = change;
    const knownTemporalRunId = temporalRunId ?? earlier?.temporalRunId;
    this.runs.set(change.runId, {
      ...run,
      input: change.input ?? earlier?.input,
      ...(knownTemporalRunId ? { temporalRunId: knownTemporalRunId } : {}),
    });
    if (waitingFor !== undefined) this.waiting.set(change.runId, waitingFor);
    else if (TERMINAL_RUN.has(change.status)) this.waiting.set(change.runId, null);
  }

  approval(change: ApprovalChange): void {
    // Each change carries the request's whole state (votes accumulate): the newest one wins.
    this.approvals.set(`${change.runId}\u0000${change.stepPath}`, change);
  }

  step(change: StepChange): void {
    this.steps.set(`${change.runId}\u0000${change.path}`, change);
  }

  /** Sinks to register on the Worker (not called during replay). */
  sinks(): InjectedSinks<ProjectionSinks> {
    return {
      [PROJECTION_SINK]: {
        run: {
          fn: (info, change) =>
            this.run(change, info.workflowId === change.runId ? info.firstExecutionRunId : undefined),
          callDuringReplay: false,
        },
        step: { fn: (_info, change) => this.step(change), callDuringReplay: false },
        approval: { fn: (_info, change) => this.approval(change), callDuringReplay: false },
      },
    };
  }

  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.runs.size === 0 && this.steps.size === 0 && this.approvals.size === 0 && this.waiting.size === 0)
      return;
    const runs = [...this.runs.values()];
    const steps = [...this.steps.entries()].slice(0, MAX_BATCH);
    const approvals = this.approvalsRepo ? [...this.approvals.entries()] : [];
    const waiting = this.approvalsRepo ? [...this.waiting.entries()] : [];
    this.runs = new Map();
    for (const [key] of steps) this.steps.delete(key);
    this.approvals = new Map();
    this.waiting = new Map();
    try {
      // Runs first: child runs must exist before their steps.
      await this.repo.upsertRuns(runs);
      await this.repo.upsertSteps(steps.map(([, s]) => s));
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, runs: runs.length, steps: steps.length },
        'projection write failed; will retry',
      );
      for (const r of runs) if (!this.runs.has(r.runId)) this.runs.set(r.runId, r);
      for (const [key, s] of steps) if (!this.steps.has(key)) this.steps.set(key, s);
      this.requeueApprovals(approvals, waiting);
      return;
    }
    if (!this.approvalsRepo || (approvals.length === 0 && waiting.length === 0)) return;
    try {
      await this.approvalsRepo.upsert(approvals.map(([, a]) => a));
      await this.approvalsRepo.setWaitingFor(waiting.map(([runId, waitingFor]) => ({ runId, waitingFor })));
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, approvals: approvals.length },
        'approvals write failed; will retry',
      );
      this.requeueApprovals(approvals, waiting);
    }
  }

  private requeueApprovals(
    approvals: [string, ApprovalState][],
    waiting: [string, WaitingFor[] | null][],
  ): void {
    for (const [key, a] of approvals) if (!this.approvals.has(key)) this.approvals.set(key, a);
    for (const [key, w] of waiting) if (!this.waiting.has(key)) this.waiting.set(key, w);
  }

  /** Flushes what is pending and stops the timer. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.flush();
    if (this.runs.size || this.steps.size || this.approvals.size || this.waiting.size) await this.flush();
  }
}
