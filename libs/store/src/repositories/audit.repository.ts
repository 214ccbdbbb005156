import type { Pool } from 'pg';

export interface AuditEvent {
  tenant: string;
  runId?: string;
  actor: string;
  action: string;
  subject?: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEvent, 'runId' | 'subject'>> {
  id: string;
  runId: string | null;
  subject: string | null;
  createdAt: Date;
}

/** Append-only audit trail. */
export class AuditRepository {
  constructor(private readonly pool: Pool) {}

  async append(e: AuditEvent): Promise<void> {
    await this.pool.query(
      'INSERT INTO audit_events (tenant, run_id, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.tenant, e.runId ?? null, e.actor, e.action, e.subject ?? null, JSON.stringify(e.details ?? {})],
    );
  }

  async listByRun(tenant: string, runId: string): Promise<AuditRecord[]> {
    const res = await this.pool.query(
      'SELECT * FROM audit_events WHERE tenant = $1 AND run_id = $2 ORDER BY id',
      [tenant, runId],
    );
    return res.rows.map(toAudit);
  }

  /**
   * Events of several runs whose action starts with one of the prefixes (e.g. `approval.`,
   * `policy.`), in one statement, oldest first.
   */
  async listByRunsWithPrefixes(
    tenant: string,
    runIds: readonly string[],
    prefixes: readonly string[],
  ): Promise<AuditRecord[]> {
    if (runIds.length === 0 || prefixes.length === 0) return [];
    const res = await this.pool.query(
      `SELECT * FROM audit_events
        WHERE tenant = $1 AND run_id = ANY($2::text[])
          AND EXISTS (SELECT 1 FROM unnest($3::text[]) AS p WHERE starts_with(action, p))
        ORDER BY id`,
      [tenant, runIds, prefixes],
    );
    return res.rows.map(toAudit);
  }
}

function toAudit(r: Record<string, unknown>): AuditRecord {
  return {
    id: String(r.id),
    tenant: r.tenant,
    runId: r.run_id,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    details: r.details,
    createdAt: r.created_at,
  } as AuditRecord;
}
