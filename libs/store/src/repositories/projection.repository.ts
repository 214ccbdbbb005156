import type { Pool } from 'pg';
import type { HistoryProjection } from '../projection/history-projection';

export interface ReplaceProjectionResult {
  /** Whether the run row had to be recreated from the workflow input. */
  runCreated: boolean;
  steps: number;
  attempts: number;
}

/**
 * Rewrites a run's projection (run row, step_runs, attempts) in one transaction: what
 * `flowgate admin reproject` does with the rows `projectHistory` maps from Temporal history.
 * Unlike the live writers, this may move a run backwards (history is the truth).
 */
export class ProjectionRepository {
  constructor(private readonly pool: Pool) {}

  async replace(p: HistoryProjection, temporalRunId?: string): Promise<ReplaceProjectionResult> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { run } = p;
      const updated = await client.query(
        `UPDATE runs SET status = $2, output = $3::jsonb, error = $4::jsonb, finished_at = $5,
                temporal_run_id = COALESCE($6, temporal_run_id), updated_at = now()
          WHERE id = $1`,
        [
          run.id,
          run.status,
          JSON.stringify(run.output ?? null),
          run.error ? JSON.stringify(run.error) : null,
          run.finishedAt,
          temporalRunId ?? null,
        ],
      );
      let runCreated = false;
      if (updated.rowCount === 0) {
        if (!run.tenant || !run.pipelineName || run.pipelineVersion === undefined || !run.digest) {
          throw new Error(
            `run ${run.id} has no projection row and its history does not say which pipeline it ran`,
          );
        }
        await client.query(
          `INSERT INTO runs (id, tenant, pipeline_name, pipeline_version, digest, status, input, output, error, tags,
                             parent_run_id, parent_step_path, temporal_run_id, submitted_by, created_at, finished_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                   (SELECT id FROM runs WHERE id = $11), $12, $13, $14, COALESCE($15, now()), $16)`,
          [
            run.id,
            run.tenant,
            run.pipelineName,
            run.pipelineVersion,
            run.digest,
            run.status,
            JSON.stringify(run.input ?? null),
            JSON.stringify(run.output ?? null),
            run.error ? JSON.stringify(run.error) : null,
            run.tags ?? [],
            run.parentRunId ?? null,
            run.parentStepPath ?? null,
            temporalRunId ?? null,
            run.submittedBy ?? 'unknown',
            run.startedAt,
            run.finishedAt,
          ],
        );
        runCreated = true;
      }
      await client.query('DELETE FROM step_runs WHERE run_id = $1', [run.id]);
      if (p.steps.length > 0) {
        await client.query(
          `INSERT INTO step_runs (run_id, path, step_id, kind, status, attempts, started_at, finished_at, output_preview, error)
           SELECT $1, s.path, s.step_id, s.kind, s.status, s.attempts, s.started_at, s.finished_at, s.output_preview, s.error
             FROM jsonb_to_recordset($2::jsonb) AS s(path text, step_id text, kind text, status text, attempts int,
                  started_at timestamptz, finished_at timestamptz, output_preview text, error jsonb)`,
          [
            run.id,
            JSON.stringify(
              p.steps.map((s) => ({
                path: s.path,
                step_id: s.stepId,
                kind: s.kind,
                status: s.status,
                attempts: s.attempts,
                started_at: s.startedAt,
                finished_at: s.finishedAt,
                output_preview: s.outputPreview,
                error: s.error,
              })),
            ),
          ],
        );
      }
      const known = new Set(p.steps.map((s) => s.path));
      const attempts = p.attempts.filter((a) => known.has(a.path));
      if (attempts.length > 0) {
        await client.query(
          `INSERT INTO attempts (run_id, path, attempt, status, worker, started_at, finished_at, error)
           SELECT $1, a.path, a.attempt, a.status, a.worker, a.started_at, a.finished_at, a.error
             FROM jsonb_to_recordset($2::jsonb) AS a(path text, attempt int, status text, worker text,
                  started_at timestamptz, finished_at timestamptz, error jsonb)`,
          [
            run.id,
            JSON.stringify(
              attempts.map((a) => ({
                path: a.path,
                attempt: a.attempt,
                status: a.status,
                worker: a.worker,
                started_at: a.startedAt,
                finished_at: a.finishedAt,
                error: a.error,
              })),
            ),
          ],
        );
      }
      await client.query('COMMIT');
      return { runCreated, steps: p.steps.length, attempts: attempts.length };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
