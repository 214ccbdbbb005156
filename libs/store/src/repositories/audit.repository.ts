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
    return res.rows.map((r) => ({
      id: String(r.id),
      tenant: r.tenant,
      runId: r.run_id,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      details: r.details,
      createdAt: r.created_at,
    }));
  }
}
