import type { Pool, PoolClient } from 'pg';

export type ApprovalKind = 'approval' | 'input';
export type ApprovalStatus =
  'pending' | 'escalated' | 'approved' | 'rejected' | 'timed_out' | 'submitted' | 'cancelled';

/** Open statuses: the request still waits for someone (`escalated`: for the escalation approvers). */
export const OPEN_APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'escalated'];

export interface ApprovalVote {
  actor: string;
  decision: 'approve' | 'reject';
  comment?: string;
  at: string;
  round: number;
}

/** One HITL request as the interpreter reports it (the whole current state). */
export interface ApprovalState {
  runId: string;
  workflowId: string;
  tenant: string;
  stepPath: string;
  stepId: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  approvers: { roles: string[]; users: string[] };
  quorum: number;
  rejectOnFirst: boolean;
  round: number;
  escalated: boolean;
  votes: ApprovalVote[];
  deadline?: string;
  createdAt: string;
  decidedAt?: string;
  message?: unknown;
  schema?: unknown;
  submission?: { by: string; at: string; comment?: string };
  output?: unknown;
}

export interface ApprovalRecord extends Omit<ApprovalState, 'deadline' | 'createdAt' | 'decidedAt'> {
  /** The run's pipeline (null when the run row is missing). */
  pipeline: { name: string; version: number } | null;
  deadline: Date | null;
  createdAt: Date;
  decidedAt: Date | null;
  updatedAt: Date;
}

/** Who asks: approvals are matched on the user id (API key name) and groups/roles; admins see all. */
export interface ApprovalViewer {
  userId: string;
  roles: readonly string[];
  admin: boolean;
}

const isOpen = (s: string) => (OPEN_APPROVAL_STATUSES as readonly string[]).includes(s);
const voteKey = (v: Pick<ApprovalVote, 'round' | 'actor'>) => `${v.round}\u0000${v.actor}`;

/**
 * The `approvals` table and its audit trail. Writes are idempotent: each report carries the
 * request's whole state; a closed request never reopens; audit events are appended once per new
 * vote (`approval.vote`, `input.submitted`) and once per closing (`approval.decided`) or
 * escalation (`approval.escalated`), in the same transaction as the row.
 */
export class ApprovalsRepository {
  constructor(private readonly pool: Pool) {}

  async upsert(states: readonly ApprovalState[]): Promise<void> {
    if (states.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const s of states) await this.upsertOne(client, s);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async upsertOne(client: PoolClient, s: ApprovalState): Promise<void> {
    const existing = await client.query<{ status: string; votes: ApprovalVote[]; round: number }>(
      'SELECT status, votes, round FROM approvals WHERE run_id = $1 AND step_path = $2 FOR UPDATE',
      [s.runId, s.stepPath],
    );
    const before = existing.rows[0];
    if (before && !isOpen(before.status)) return;
    await client.query(
      `INSERT INTO approvals (run_id, step_path, step_id, workflow_id, tenant, kind, status, approver_roles, approver_users,
                              quorum, reject_on_first, round, escalated, votes, message, schema, submission, output,
                              deadline, created_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
       ON CONFLICT (run_id, step_path) DO UPDATE SET
         status = EXCLUDED.status, approver_roles = EXCLUDED.approver_roles, approver_users = EXCLUDED.approver_users,
         quorum = EXCLUDED.quorum, round = EXCLUDED.round, escalated = EXCLUDED.escalated, votes = EXCLUDED.votes,
         submission = EXCLUDED.submission, output = EXCLUDED.output, deadline = EXCLUDED.deadline,
         decided_at = EXCLUDED.decided_at, updated_at = now()`,
      [
        s.runId,
        s.stepPath,
        s.stepId,
        s.workflowId,
        s.tenant,
        s.kind,
        s.status,
        s.approvers.roles,
        s.approvers.users,
        s.quorum,
        s.rejectOnFirst,
        s.round,
        s.escalated,
        JSON.stringify(s.votes),
        s.message === undefined ? null : JSON.stringify(s.message),
        s.schema === undefined ? null : JSON.stringify(s.schema),
        s.submission === undefined ? null : JSON.stringify(s.submission),
        s.output === undefined ? null : JSON.stringify(s.output),
        s.deadline ?? null,
        s.createdAt,
        s.decidedAt ?? null,
      ],
    );
    for (const event of auditEvents(s, before)) {
      await client.query(
        'INSERT INTO audit_events (tenant, run_id, actor, action, subject, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [s.tenant, s.runId, event.actor, event.action, s.stepPath, JSON.stringify(event.details), event.at],
      );
    }
  }

  /** Who runs wait for (`null` clears it: nothing open, or the run ended). */
  async setWaitingFor(items: readonly { runId: string; waitingFor: unknown[] | null }[]): Promise<void> {
    if (items.length === 0) return;
    await this.pool.query(
      `UPDATE runs AS r SET waiting_for = c.waiting_for
         FROM jsonb_to_recordset($1::jsonb) AS c(id text, waiting_for jsonb)
        WHERE r.id = c.id AND r.waiting_for IS DISTINCT FROM c.waiting_for`,
      [
        JSON.stringify(
          items.map((i) => ({
            id: i.runId,
            waiting_for: i.waitingFor && i.waitingFor.length > 0 ? i.waitingFor : null,
          })),
        ),
      ],
    );
  }

  /**
   * Requests of a tenant the viewer may decide (admins: all), newest first, with their run's
   * pipeline. `statuses` undefined: every status.
   */
  async listFor(
    tenant: string,
    viewer: ApprovalViewer,
    options: { statuses?: readonly ApprovalStatus[]; runId?: string; limit?: number } = {},
  ): Promise<ApprovalRecord[]> {
    const res = await this.pool.query(
      `SELECT a.*, r.pipeline_name, r.pipeline_version FROM approvals a LEFT JOIN runs r ON r.id = a.run_id
        WHERE a.tenant = $1
          AND ($2::text[] IS NULL OR a.status = ANY($2::text[]))
          AND ($3::text IS NULL OR a.run_id = $3)
          AND ($4::boolean
               OR $5::text = ANY(a.approver_users)
               OR a.approver_roles && $6::text[]
               OR (cardinality(a.approver_roles) = 0 AND cardinality(a.approver_users) = 0))
        ORDER BY a.created_at DESC, a.run_id, a.step_path
        LIMIT $7`,
      [
        tenant,
        options.statuses ? [...options.statuses] : null,
        options.runId ?? null,
        viewer.admin,
        viewer.userId,
        [...viewer.roles],
        options.limit ?? 100,
      ],
    );
    return res.rows.map(toRecord);
  }

  /** The requests of one run (every status), oldest first. */
  async listByRun(tenant: string, runId: string): Promise<ApprovalRecord[]> {
    const res = await this.pool.query(
      `SELECT a.*, r.pipeline_name, r.pipeline_version FROM approvals a LEFT JOIN runs r ON r.id = a.run_id
        WHERE a.tenant = $1 AND a.run_id = $2 ORDER BY a.created_at, a.step_path`,
      [tenant, runId],
    );
    return res.rows.map(toRecord);
  }

  /** The approver groups of an API key (`api_keys.groups`); [] for an unknown key. */
  async groupsOfKey(keyId: string): Promise<string[]> {
    if (!/^[0-9a-f-]{36}$/i.test(keyId)) return [];
    const res = await this.pool.query<{ groups: string[] }>('SELECT groups FROM api_keys WHERE id = $1', [
      keyId,
    ]);
    return res.rows[0]?.groups ?? [];
  }
}

interface PendingAudit {
  action: string;
  actor: string;
  at: string;
  details: Record<string, unknown>;
}

/** The audit events a new state adds to what was stored before. */
export function auditEvents(
  s: ApprovalState,
  before: { status: string; votes: ApprovalVote[]; round: number } | undefined,
): PendingAudit[] {
  const out: PendingAudit[] = [];
  const base = { stepId: s.stepId, stepPath: s.stepPath, kind: s.kind };
  const known = new Set((before?.votes ?? []).map(voteKey));
  for (const v of s.votes) {
    if (known.has(voteKey(v))) continue;
    out.push({
      action: 'approval.vote',
      actor: v.actor,
      at: v.at,
      details: { ...base, decision: v.decision, comment: v.comment ?? null, round: v.round },
    });
  }
  if (s.escalated && (before?.round ?? 0) < s.round) {
    out.push({
      action: 'approval.escalated',
      actor: 'system',
      at: new Date().toISOString(),
      details: { ...base, decision: 'escalated', approvers: s.approvers, quorum: s.quorum, round: s.round },
    });
  }
  if (s.kind === 'input' && s.submission && s.status === 'submitted') {
    out.push({
      action: 'input.submitted',
      actor: s.submission.by,
      at: s.submission.at,
      details: { ...base, decision: 'submitted', comment: s.submission.comment ?? null },
    });
  } else if (!isOpen(s.status)) {
    const output = (s.output ?? {}) as { approved?: boolean; decidedBy?: string[] };
    const decidedBy = output.decidedBy ?? [];
    out.push({
      action: s.kind === 'approval' ? 'approval.decided' : 'input.closed',
      actor: decidedBy[0] ?? 'system',
      at: s.decidedAt ?? new Date().toISOString(),
      details: {
        ...base,
        decision: s.status,
        approved: output.approved ?? null,
        decidedBy,
        escalated: s.escalated,
        votes: s.votes.length,
      },
    });
  }
  return out;
}

function toRecord(r: Record<string, unknown>): ApprovalRecord {
  return {
    runId: r.run_id as string,
    workflowId: r.workflow_id as string,
    tenant: r.tenant as string,
    stepPath: r.step_path as string,
    stepId: r.step_id as string,
    pipeline:
      typeof r.pipeline_name === 'string'
        ? { name: r.pipeline_name, version: r.pipeline_version as number }
        : null,
    kind: r.kind as ApprovalKind,
    status: r.status as ApprovalStatus,
    approvers: { roles: (r.approver_roles as string[]) ?? [], users: (r.approver_users as string[]) ?? [] },
    quorum: r.quorum as number,
    rejectOnFirst: r.reject_on_first as boolean,
    round: r.round as number,
    escalated: r.escalated as boolean,
    votes: (r.votes as ApprovalVote[]) ?? [],
    ...(r.message !== null && r.message !== undefined ? { message: r.message } : {}),
    ...(r.schema !== null && r.schema !== undefined ? { schema: r.schema } : {}),
    ...(r.submission !== null && r.submission !== undefined
      ? { submission: r.submission as ApprovalState['submission'] }
      : {}),
    ...(r.output !== null && r.output !== undefined ? { output: r.output } : {}),
    deadline: (r.deadline as Date | null) ?? null,
    createdAt: r.created_at as Date,
    decidedAt: (r.decided_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
  };
}
