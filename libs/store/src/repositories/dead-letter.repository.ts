import type { Pool } from 'pg';

/** The step a failed run failed in: its most recently failed step. */
export interface FailedStepRecord {
  path: string;
  stepId: string;
  kind: string;
  attempts: number;
  error: unknown;
  finishedAt: Date | null;
}

export interface DeadLetterEntry {
  runId: string;
  /** When the run failed (its finish time). */
  failedAt: Date;
  failedStep: FailedStepRecord | null;
  /** Reruns of this run (`retryOf`), newest first. */
  rerunBy: string[];
}

/** Position in the most-recently-failed-first order: the failure time (µs, as text) and the run id. */
export interface DeadLetterKey {
  failedAt: string;
  id: string;
}

export interface DeadLetterFilter {
  pipeline?: string;
  /** `true`: only runs already rerun; `false`: only runs not rerun yet. */
  rerun?: boolean;
  /** Top-level runs only (no sub-pipeline children). */
  topLevelOnly?: boolean;
}

export interface DeadLetterPage {
  entries: DeadLetterEntry[];
  keys: DeadLetterKey[];
  next?: DeadLetterKey;
}

const FAILED_AT = 'COALESCE(r.finished_at, r.updated_at)';
const FAILED_KEY = `to_char(${FAILED_AT} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface Row {
  id: string;
  failed_at: Date;
  failed_key: string;
  step_path: string | null;
  step_id: string | null;
  step_kind: string | null;
  step_attempts: number | null;
  step_error: unknown;
  step_finished_at: Date | null;
  rerun_by: string[] | null;
}

/**
 * The dead-letter view: a tenant's failed runs (they failed after their retries), most recently
 * failed first, each with the step it failed in and the reruns it already has. Keyset pagination
 * on (failure time, id).
 */
export class DeadLetterRepository {
  constructor(private readonly pool: Pool) {}

  async page(
    tenant: string,
    filter: DeadLetterFilter,
    page: { limit: number; after?: DeadLetterKey },
  ): Promise<DeadLetterPage> {
    const params: unknown[] = [tenant];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`r.tenant = $1`, `r.status = 'failed'`];
    if (filter.pipeline) where.push(`r.pipeline_name = ${p(filter.pipeline)}`);
    if (filter.topLevelOnly) where.push('r.parent_run_id IS NULL');
    const reruns = `SELECT 1 FROM runs x WHERE x.tenant = r.tenant AND x.retry_of = r.id`;
    if (filter.rerun === true) where.push(`EXISTS (${reruns})`);
    if (filter.rerun === false) where.push(`NOT EXISTS (${reruns})`);
    if (page.after)
      where.push(`(${FAILED_AT}, r.id) < (${p(page.after.failedAt)}::timestamptz, ${p(page.after.id)})`);
    const limit = p(page.limit + 1);
    const res = await this.pool.query<Row>(
      `SELECT r.id, ${FAILED_AT} AS failed_at, ${FAILED_KEY} AS failed_key,
              s.path AS step_path, s.step_id, s.kind AS step_kind, s.attempts AS step_attempts,
              s.error AS step_error, s.finished_at AS step_finished_at,
              (SELECT array_agg(x.id ORDER BY x.created_at DESC) FROM runs x
                WHERE x.tenant = r.tenant AND x.retry_of = r.id) AS rerun_by
         FROM runs r
         LEFT JOIN LATERAL (
           SELECT path, step_id, kind, attempts, error, finished_at FROM step_runs
            WHERE run_id = r.id AND status = 'failed'
            ORDER BY finished_at DESC NULLS LAST, updated_at DESC
            LIMIT 1
         ) s ON true
        WHERE ${where.join(' AND ')}
        ORDER BY ${FAILED_AT} DESC, r.id DESC
        LIMIT ${limit}`,
      params,
    );
    const rows = res.rows.slice(0, page.limit);
    const keys = rows.map((r) => ({ failedAt: r.failed_key, id: r.id }));
    return {
      entries: rows.map((r) => ({
        runId: r.id,
        failedAt: r.failed_at,
        failedStep:
          r.step_path === null
            ? null
            : {
                path: r.step_path,
                stepId: r.step_id ?? r.step_path,
                kind: r.step_kind ?? 'uses',
                attempts: r.step_attempts ?? 0,
                error: r.step_error ?? null,
                finishedAt: r.step_finished_at,
              },
        rerunBy: r.rerun_by ?? [],
      })),
      keys,
      ...(res.rows.length > page.limit ? { next: keys[keys.length - 1] } : {}),
    };
  }
}
