import type { Pool } from 'pg';

export interface StepRunRecord {
  runId: string;
  path: string;
  stepId: string;
  kind: string;
  status: string;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  outputPreview: string | null;
  error: unknown;
}

export interface AttemptRecord {
  runId: string;
  path: string;
  attempt: number;
  status: 'running' | 'succeeded' | 'failed';
  worker: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: unknown;
}

/** Step-run and attempt projection written by the worker as activities start and finish. */
export class StepsRepository {
  constructor(private readonly pool: Pool) {}

  /** Records the start of an activity attempt (and the step, if new). */
  async attemptStarted(a: {
    runId: string;
    path: string;
    stepId: string;
    kind: string;
    attempt: number;
    worker: string;
  }): Promise<void> {
    await this.pool.query(
      `WITH step AS (
         INSERT INTO step_runs (run_id, path, step_id, kind, status, attempts, started_at)
         VALUES ($1, $2, $3, $4, 'running', $5, now())
         ON CONFLICT (run_id, path) DO UPDATE
           SET status = 'running', attempts = GREATEST(step_runs.attempts, EXCLUDED.attempts), updated_at = now()
         RETURNING run_id
       )
       INSERT INTO attempts (run_id, path, attempt, status, worker)
       SELECT $1, $2, $5, 'running', $6 FROM step
       ON CONFLICT (run_id, path, attempt) DO UPDATE SET status = 'running', worker = EXCLUDED.worker, started_at = now()`,
      [a.runId, a.path, a.stepId, a.kind, a.attempt, a.worker],
    );
  }

  /** Records the end of an activity attempt and the step's resulting state. */
  async attemptFinished(a: {
    runId: string;
    path: string;
    attempt: number;
    status: 'succeeded' | 'failed';
    stepStatus: string;
    outputPreview?: string;
    error?: unknown;
  }): Promise<void> {
    const error = a.error === undefined ? null : JSON.stringify(a.error);
    await this.pool.query(
      `WITH att AS (
         UPDATE attempts SET status = $4, finished_at = now(), error = $6::jsonb
          WHERE run_id = $1 AND path = $2 AND attempt = $3
         RETURNING run_id
       )
       UPDATE step_runs SET status = $5, output_preview = COALESCE($7, output_preview), error = $6::jsonb,
              finished_at = CASE WHEN $5 IN ('succeeded', 'failed') THEN now() ELSE finished_at END, updated_at = now()
        WHERE run_id = $1 AND path = $2`,
      [a.runId, a.path, a.attempt, a.status, a.stepStatus, error, a.outputPreview ?? null],
    );
  }

  async listByRun(runId: string): Promise<StepRunRecord[]> {
    return this.listByRuns([runId]);
  }

  /** Every step of the given runs in one statement, by run, in start order. */
  async listByRuns(runIds: readonly string[]): Promise<StepRunRecord[]> {
    if (runIds.length === 0) return [];
    const res = await this.pool.query(
      `SELECT run_id, path, step_id, kind, status, attempts, started_at, finished_at, output_preview, error
         FROM step_runs WHERE run_id = ANY($1::text[]) ORDER BY run_id, started_at NULLS LAST, path`,
      [runIds],
    );
    return res.rows.map(toStep);
  }

  /** One step of a run. */
  async get(runId: string, path: string): Promise<StepRunRecord | undefined> {
    const res = await this.pool.query(
      `SELECT run_id, path, step_id, kind, status, attempts, started_at, finished_at, output_preview, error
         FROM step_runs WHERE run_id = $1 AND path = $2`,
      [runId, path],
    );
    return res.rows[0] ? toStep(res.rows[0]) : undefined;
  }

  async listAttempts(runId: string): Promise<AttemptRecord[]> {
    return this.listAttemptsByRuns([runId]);
  }

  /** Every attempt of the given runs in one statement. */
  async listAttemptsByRuns(runIds: readonly string[]): Promise<AttemptRecord[]> {
    if (runIds.length === 0) return [];
    const res = await this.pool.query(
      `SELECT run_id, path, attempt, status, worker, started_at, finished_at, error
         FROM attempts WHERE run_id = ANY($1::text[]) ORDER BY run_id, path, attempt`,
      [runIds],
    );
    return res.rows.map((r) => ({
      runId: r.run_id,
      path: r.path,
      attempt: r.attempt,
      status: r.status,
      worker: r.worker,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      error: r.error,
    }));
  }
}

function toStep(r: Record<string, unknown>): StepRunRecord {
  return {
    runId: r.run_id as string,
    path: r.path as string,
    stepId: r.step_id as string,
    kind: r.kind as string,
    status: r.status as string,
    attempts: r.attempts as number,
    startedAt: (r.started_at as Date | null) ?? null,
    finishedAt: (r.finished_at as Date | null) ?? null,
    outputPreview: (r.output_preview as string | null) ?? null,
    error: r.error ?? null,
  };
}
