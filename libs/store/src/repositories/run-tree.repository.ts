import type { Pool } from 'pg';

const TERMINAL_RUN = `('succeeded', 'failed', 'cancelled')`;
const TERMINAL_STEP = `('succeeded', 'failed', 'skipped', 'cancelled', 'compensated')`;

export interface RunTreeRun {
  runId: string;
  tenant: string;
  status: string;
  pipeline: { name: string; version: number; digest: string; tags: string[] };
  submittedBy: string;
  parent?: { runId: string; stepPath: string };
  input?: unknown;
  output?: unknown;
  error?: unknown;
  /** The run id of the workflow's first execution, when the report comes from the run's own workflow. */
  temporalRunId?: string;
}

export interface RunTreeStep {
  runId: string;
  path: string;
  id: string;
  kind: string;
  status: string;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  outputPreview?: string;
  error?: unknown;
}

/**
 * Writes the run tree reported by the interpreter (through the worker's projection sink).
 * Upserts are idempotent and monotonic: a terminal status is never replaced by a non-terminal one,
 * so late or repeated reports cannot move a run or step backwards. A run's Temporal run id is set
 * by the first report that carries one (the gateway does not write it) and never replaced.
 */
export class RunTreeRepository {
  constructor(private readonly pool: Pool) {}

  async upsertRuns(runs: readonly RunTreeRun[]): Promise<void> {
    if (runs.length === 0) return;
    await this.pool.query(
      `INSERT INTO runs AS r (id, tenant, pipeline_name, pipeline_version, digest, status, input, output, error, tags,
                              parent_run_id, parent_step_path, submitted_by, finished_at, temporal_run_id)
       SELECT c.id, c.tenant, c.pipeline_name, c.pipeline_version, c.digest, c.status, COALESCE(c.input, 'null'::jsonb),
              c.output, c.error, c.tags,
              c.parent_run_id, c.parent_step_path, c.submitted_by,
              CASE WHEN c.status IN ${TERMINAL_RUN} THEN now() END, c.temporal_run_id
         FROM jsonb_to_recordset($1::jsonb) AS c(id text, tenant text, pipeline_name text, pipeline_version int,
              digest text, status text, input jsonb, output jsonb, error jsonb, tags text[],
              parent_run_id text, parent_step_path text, submitted_by text, temporal_run_id text)
       ON CONFLICT (id) DO UPDATE SET
              status = CASE WHEN r.status IN ${TERMINAL_RUN} THEN r.status ELSE EXCLUDED.status END,
              output = CASE WHEN r.status IN ${TERMINAL_RUN} THEN r.output ELSE COALESCE(EXCLUDED.output, r.output) END,
              error = CASE WHEN r.status IN ${TERMINAL_RUN} THEN r.error ELSE COALESCE(EXCLUDED.error, r.error) END,
              finished_at = CASE WHEN r.status NOT IN ${TERMINAL_RUN} AND EXCLUDED.status IN ${TERMINAL_RUN}
                                 THEN COALESCE(r.finished_at, now()) ELSE r.finished_at END,
              temporal_run_id = COALESCE(r.temporal_run_id, EXCLUDED.temporal_run_id),
              updated_at = now()
        WHERE (r.status NOT IN ${TERMINAL_RUN} AND (r.status <> EXCLUDED.status OR EXCLUDED.status IN ${TERMINAL_RUN}))
           OR (r.temporal_run_id IS NULL AND EXCLUDED.temporal_run_id IS NOT NULL)`,
      [
        JSON.stringify(
          runs.map((r) => ({
            id: r.runId,
            tenant: r.tenant,
            pipeline_name: r.pipeline.name,
            pipeline_version: r.pipeline.version,
            digest: r.pipeline.digest,
            status: r.status,
            input: r.input ?? null,
            output: r.output ?? null,
            error: r.error ?? null,
            tags: r.pipeline.tags,
            parent_run_id: r.parent?.runId ?? null,
            parent_step_path: r.parent?.stepPath ?? null,
            submitted_by: r.submittedBy,
            temporal_run_id: r.temporalRunId ?? null,
          })),
        ),
      ],
    );
  }

  async upsertSteps(steps: readonly RunTreeStep[]): Promise<void> {
    if (steps.length === 0) return;
    await this.pool.query(
      `INSERT INTO step_runs AS s (run_id, path, step_id, kind, status, attempts, started_at, finished_at, output_preview, error)
       SELECT c.run_id, c.path, c.step_id, c.kind, c.status, c.attempts, c.started_at, c.finished_at, c.output_preview, c.error
         FROM jsonb_to_recordset($1::jsonb) AS c(run_id text, path text, step_id text, kind text, status text, attempts int,
              started_at timestamptz, finished_at timestamptz, output_preview text, error jsonb)
       ON CONFLICT (run_id, path) DO UPDATE SET
              kind = EXCLUDED.kind,
              status = CASE WHEN s.status IN ${TERMINAL_STEP} AND EXCLUDED.status NOT IN ${TERMINAL_STEP}
                            THEN s.status ELSE EXCLUDED.status END,
              attempts = GREATEST(s.attempts, EXCLUDED.attempts),
              started_at = COALESCE(s.started_at, EXCLUDED.started_at),
              finished_at = COALESCE(EXCLUDED.finished_at, s.finished_at),
              output_preview = COALESCE(EXCLUDED.output_preview, s.output_preview),
              error = COALESCE(EXCLUDED.error, s.error),
              updated_at = now()`,
      [
        JSON.stringify(
          steps.map((s) => ({
            run_id: s.runId,
            path: s.path,
            step_id: s.id,
            kind: s.kind,
            status: s.status,
            attempts: s.attempts,
            started_at: s.startedAt ?? null,
            finished_at: s.finishedAt ?? null,
            output_preview: s.outputPreview ?? null,
            error: s.error ?? null,
          })),
        ),
      ],
    );
  }
}
