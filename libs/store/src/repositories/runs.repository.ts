import type { Pool } from 'pg';

export type RunStatusValue = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

export interface RunRecord {
  id: string;
  tenant: string;
  pipelineName: string;
  pipelineVersion: number;
  digest: string;
  status: RunStatusValue;
  input: unknown;
  output: unknown;
  error: unknown;
  tags: string[];
  idempotencyKey: string | null;
  requestHash: string | null;
  parentRunId: string | null;
  parentStepPath: string | null;
  /** The run this one reruns (`POST /v1/runs/:id/retry`, mode `rerun`). */
  retryOf: string | null;
  temporalRunId: string | null;
  submittedBy: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /**
   * Who a waiting run waits for (written by the worker): `[{ stepPath, kind, roles, users,
   * quorum, deadline? }]`; null when it waits for nobody.
   */
  waitingFor: RunWaitingFor[] | null;
}

/** One open approval/input request of a waiting run (`runs.waiting_for`). */
export interface RunWaitingFor {
  stepPath: string;
  kind: 'approval' | 'input';
  roles: string[];
  users: string[];
  quorum: number;
  deadline?: string;
}

export interface NewRun {
  id: string;
  tenant: string;
  pipelineName: string;
  pipelineVersion: number;
  digest: string;
  input: unknown;
  tags: string[];
  idempotencyKey?: string;
  requestHash?: string;
  parentRunId?: string;
  parentStepPath?: string;
  retryOf?: string;
  submittedBy: string;
  /**
   * The audit event of the submission (its tenant is the run's, its actor `submittedBy`), written in
   * the same statement as the row, only when the row is created.
   */
  audit?: RunAudit;
}

interface RunRow {
  id: string;
  tenant: string;
  pipeline_name: string;
  pipeline_version: number;
  digest: string;
  status: RunStatusValue;
  input: unknown;
  output: unknown;
  error: unknown;
  tags: string[];
  idempotency_key: string | null;
  request_hash: string | null;
  parent_run_id: string | null;
  parent_step_path: string | null;
  retry_of: string | null;
  temporal_run_id: string | null;
  submitted_by: string;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  waiting_for?: RunWaitingFor[] | null;
}

const toRecord = (r: RunRow): RunRecord => ({
  id: r.id,
  tenant: r.tenant,
  pipelineName: r.pipeline_name,
  pipelineVersion: r.pipeline_version,
  digest: r.digest,
  status: r.status,
  input: r.input,
  output: r.output,
  error: r.error,
  tags: r.tags,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  parentRunId: r.parent_run_id,
  parentStepPath: r.parent_step_path,
  retryOf: r.retry_of ?? null,
  temporalRunId: r.temporal_run_id,
  submittedBy: r.submitted_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
  waitingFor: r.waiting_for ?? null,
});

/** Position of a run in the newest-first order: the exact creation time (µs, as text) and the id. */
export interface RunPageKey {
  createdAt: string;
  id: string;
}

export interface RunListFilter {
  status?: RunStatusValue[];
  pipeline?: string;
  tag?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** `null`: top-level runs only; a run id: that run's children. */
  parentRunId?: string | null;
}

export interface RunPage {
  runs: RunRecord[];
  /** The page key of each run, in order (cursors of a connection's edges). */
  keys: RunPageKey[];
  hasMore: boolean;
  /** Key of the last run when more runs follow. */
  next?: RunPageKey;
}

/** created_at with its full microsecond precision, so that a keyset cursor round-trips exactly. */
const CREATED_KEY = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The audit event of a run's submission (see `NewRun.audit`). */
export interface RunAudit {
  action: string;
  subject?: string;
  details?: Record<string, unknown>;
}

export type CreateRunOutcome = { outcome: 'created'; run: RunRecord } | { outcome: 'exists'; run: RunRecord };

const TERMINAL: RunStatusValue[] = ['succeeded', 'failed', 'cancelled'];

/** The runs projection. */
export class RunsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Records a run before its workflow starts. With an idempotency key, a second insert for the
   * same (tenant, key) returns the existing run (`exists`) instead of creating another.
   */
  async create(run: NewRun): Promise<CreateRunOutcome> {
    const [outcome] = await this.createMany([run]);
    return outcome as CreateRunOutcome;
  }

  /**
   * `create` for several runs in one statement (one round trip, one commit), outcomes in input
   * order. A run whose (tenant, idempotency key) is already taken, by an earlier run or by an
   * earlier entry of the same call, comes back as that run (`exists`). Any other conflict (an
   * id already in use) fails the call.
   */
  async createMany(runs: readonly NewRun[]): Promise<CreateRunOutcome[]> {
    if (runs.length === 0) return [];
    const rows = runs.map((r, n) => ({
      n,
      id: r.id,
      tenant: r.tenant,
      pipeline_name: r.pipelineName,
      pipeline_version: r.pipelineVersion,
      digest: r.digest,
      // Text, cast in SQL: jsonb_to_recordset would turn a JSON null input into SQL NULL.
      input_json: JSON.stringify(r.input ?? null),
      tags: r.tags,
      idempotency_key: r.idempotencyKey ?? null,
      request_hash: r.requestHash ?? null,
      parent_run_id: r.parentRunId ?? null,
      parent_step_path: r.parentStepPath ?? null,
      submitted_by: r.submittedBy,
      retry_of: r.retryOf ?? null,
      audit: r.audit ?? null,
    }));
    const inserted = await this.pool.query<RunRow>(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(n integer, id text, tenant text, pipeline_name text,
                pipeline_version integer, digest text, input_json text, tags text[], idempotency_key text,
                request_hash text, parent_run_id text, parent_step_path text, submitted_by text, retry_of text,
                audit jsonb)
       ), created AS (
         INSERT INTO runs (id, tenant, pipeline_name, pipeline_version, digest, status, input, tags,
                           idempotency_key, request_hash, parent_run_id, parent_step_path, submitted_by, retry_of)
         SELECT id, tenant, pipeline_name, pipeline_version, digest, 'running', input_json::jsonb, tags,
                idempotency_key, request_hash, parent_run_id, parent_step_path, submitted_by, retry_of
           FROM x ORDER BY n
         ON CONFLICT DO NOTHING
         RETURNING *
       ), audited AS (
         INSERT INTO audit_events (tenant, run_id, actor, action, subject, details)
         SELECT x.tenant, x.id, x.submitted_by, x.audit->>'action', x.audit->>'subject',
                COALESCE(x.audit->'details', '{}'::jsonb)
           FROM x JOIN created c ON c.id = x.id
          WHERE x.audit IS NOT NULL
          ORDER BY x.n
       )
       SELECT * FROM created`,
      [JSON.stringify(rows)],
    );
    const byId = new Map(inserted.rows.map((r) => [r.id, toRecord(r)]));
    // Entries kept out by a taken idempotency key resolve to the run that holds it.
    const keyed = runs.filter((r) => !byId.has(r.id) && r.idempotencyKey !== undefined);
    const existing = new Map<string, RunRecord>();
    if (keyed.length > 0) {
      const found = await this.pool.query<RunRow>(
        `SELECT r.* FROM runs r
           JOIN unnest($1::text[], $2::text[]) AS k(tenant, key)
             ON r.tenant = k.tenant AND r.idempotency_key = k.key`,
        [keyed.map((r) => r.tenant), keyed.map((r) => r.idempotencyKey)],
      );
      for (const row of found.rows)
        existing.set(`${row.tenant}\u0000${row.idempotency_key ?? ''}`, toRecord(row));
    }
    return runs.map((r) => {
      const created = byId.get(r.id);
      if (created) return { outcome: 'created', run: created };
      const earlier = r.idempotencyKey && existing.get(`${r.tenant}\u0000${r.idempotencyKey}`);
      if (earlier) return { outcome: 'exists', run: earlier };
      throw new Error(`run id '${r.id}' is already in use`);
    });
  }

  async findByIdempotencyKey(tenant: string, key: string): Promise<RunRecord | undefined> {
    const res = await this.pool.query<RunRow>(
      'SELECT * FROM runs WHERE tenant = $1 AND idempotency_key = $2',
      [tenant, key],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** A run of the given tenant; another tenant's run is indistinguishable from a missing one. */
  async get(tenant: string, id: string): Promise<RunRecord | undefined> {
    const res = await this.pool.query<RunRow>('SELECT * FROM runs WHERE tenant = $1 AND id = $2', [
      tenant,
      id,
    ]);
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  async setTemporalRunId(id: string, temporalRunId: string): Promise<void> {
    await this.pool.query('UPDATE runs SET temporal_run_id = $2, updated_at = now() WHERE id = $1', [
      id,
      temporalRunId,
    ]);
  }

  /** Records a status change. Terminal states are final: a late non-terminal update never overwrites them. */
  async updateStatus(
    id: string,
    status: RunStatusValue,
    details: { output?: unknown; error?: unknown } = {},
  ): Promise<RunRecord | undefined> {
    const terminal = TERMINAL.includes(status);
    const res = await this.pool.query<RunRow>(
      `UPDATE runs SET status = $2,
              output = COALESCE($3::jsonb, output),
              error = COALESCE($4::jsonb, error),
              finished_at = CASE WHEN $5 THEN COALESCE(finished_at, now()) ELSE finished_at END,
              updated_at = now()
        WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled')
        RETURNING *`,
      [
        id,
        status,
        details.output === undefined ? null : JSON.stringify(details.output),
        details.error === undefined ? null : JSON.stringify(details.error),
        terminal,
      ],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /**
   * A page of a tenant's runs, newest first, by keyset on (created_at, id): stable under
   * concurrent inserts. `after` is the `key` of the last run of the previous page.
   */
  async list(
    tenant: string,
    filter: RunListFilter,
    page: { limit: number; after?: RunPageKey },
  ): Promise<RunPage> {
    const where = ['tenant = $1'];
    const params: unknown[] = [tenant];
    const add = (sql: string, ...values: unknown[]) => {
      const placeholders = values.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      where.push(sql.replace(/\?(\d)/g, (_, i: string) => placeholders[Number(i)] as string));
    };
    if (filter.status?.length) add('status = ANY(?0::text[])', filter.status);
    if (filter.pipeline) add('pipeline_name = ?0', filter.pipeline);
    if (filter.tag) add('tags @> ARRAY[?0]::text[]', filter.tag);
    if (filter.createdAfter) add('created_at >= ?0', filter.createdAfter);
    if (filter.createdBefore) add('created_at < ?0', filter.createdBefore);
    if (filter.parentRunId !== undefined) {
      if (filter.parentRunId === null) where.push('parent_run_id IS NULL');
      else add('parent_run_id = ?0', filter.parentRunId);
    }
    if (page.after) add('(created_at, id) < (?0::timestamptz, ?1)', page.after.createdAt, page.after.id);
    params.push(page.limit + 1);
    const res = await this.pool.query<RunRow & { created_key: string }>(
      `SELECT *, ${CREATED_KEY} AS created_key FROM runs WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const rows = res.rows.slice(0, page.limit);
    const last = rows[rows.length - 1];
    return {
      runs: rows.map(toRecord),
      keys: rows.map((r) => ({ createdAt: r.created_key, id: r.id })),
      hasMore: res.rows.length > page.limit,
      ...(last && res.rows.length > page.limit ? { next: { createdAt: last.created_key, id: last.id } } : {}),
    };
  }

  /** Runs of a tenant by id (missing and foreign ids are left out). */
  async getMany(tenant: string, ids: readonly string[]): Promise<RunRecord[]> {
    if (ids.length === 0) return [];
    const res = await this.pool.query<RunRow>(
      'SELECT * FROM runs WHERE tenant = $1 AND id = ANY($2::text[])',
      [tenant, ids],
    );
    return res.rows.map(toRecord);
  }

  /** Child runs (sub-pipelines) of the given parents, oldest first. */
  async listChildren(tenant: string, parentIds: readonly string[]): Promise<RunRecord[]> {
    if (parentIds.length === 0) return [];
    const res = await this.pool.query<RunRow>(
      'SELECT * FROM runs WHERE tenant = $1 AND parent_run_id = ANY($2::text[]) ORDER BY created_at, id',
      [tenant, parentIds],
    );
    return res.rows.map(toRecord);
  }

  /**
   * Re-opens a finished run after a Temporal reset: the new execution runs again from the reset
   * point, so the run is `running` with no output, error or finish time.
   */
  async reopen(id: string, temporalRunId: string): Promise<RunRecord | undefined> {
    const res = await this.pool.query<RunRow>(
      `UPDATE runs SET status = 'running', output = NULL, error = NULL, finished_at = NULL,
              temporal_run_id = $2, updated_at = now()
        WHERE id = $1 RETURNING *`,
      [id, temporalRunId],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** Removes a run row that never got a workflow (start failed), so nothing half-written remains. */
  /**
   * Removes a run whose workflow did not start, with the audit event of its submission (one
   * statement). A run the worker has already reported (its Temporal run id is set) stays.
   */
  async deleteUnstarted(id: string, auditAction: string): Promise<void> {
    await this.pool.query(
      `WITH gone AS (DELETE FROM runs WHERE id = $1 AND temporal_run_id IS NULL RETURNING id)
       DELETE FROM audit_events a USING gone WHERE a.run_id = gone.id AND a.action = $2`,
      [id, auditAction],
    );
  }
}

/** Channel on which PostgreSQL announces run and step changes (see migration run-events-notify). */
export const RUN_EVENTS_CHANNEL = 'flowgate_run_events';

export interface RunEventNotification {
  runId: string;
  tenant?: string;
  entity: 'run' | 'step';
  status: string;
  path?: string;
}
