import type { Pool, PoolClient } from 'pg';
import { isUniqueViolation } from '../database';

export interface PolicyRecord {
  tenant: string;
  name: string;
  version: number;
  /** The normalised policy document (validated by @flowgate/policy before it is stored). */
  document: unknown;
  source: string;
  format: 'yaml' | 'json';
  digest: string;
  mode: string;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
}

export interface NewPolicyVersion {
  tenant: string;
  name: string;
  /** Omitted: the next version (latest + 1) is assigned. */
  version?: number;
  /** Builds the stored document for the version finally assigned. */
  document: (version: number) => unknown;
  source: string;
  format: 'yaml' | 'json';
  digest: string;
  mode: string;
  enabled: boolean;
  createdBy: string;
}

export type InsertPolicyOutcome =
  | { outcome: 'created'; record: PolicyRecord }
  /** Same version with the same digest: nothing to do. */
  | { outcome: 'exists'; record: PolicyRecord }
  /** Same version with another digest, or a version not above the latest. */
  | { outcome: 'conflict'; latest: PolicyRecord };

interface PolicyRow {
  tenant: string;
  name: string;
  version: number;
  document: unknown;
  source: string;
  format: 'yaml' | 'json';
  digest: string;
  mode: string;
  enabled: boolean;
  created_by: string;
  created_at: Date;
}

const toRecord = (r: PolicyRow): PolicyRecord => ({
  tenant: r.tenant,
  name: r.name,
  version: r.version,
  document: r.document,
  source: r.source,
  format: r.format,
  digest: r.digest,
  mode: r.mode,
  enabled: r.enabled,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Versioned governance policies per tenant. */
export class PoliciesRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Adds a version. Without a version, takes latest + 1 (retrying if another writer took it). With
   * one: identical content → `exists`; another digest or a version not above the latest → `conflict`.
   */
  async insert(p: NewPolicyVersion): Promise<InsertPolicyOutcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const latest = await this.get(p.tenant, p.name);
      let version = p.version;
      if (version !== undefined) {
        const same = await this.get(p.tenant, p.name, version);
        if (same)
          return same.digest === p.digest
            ? { outcome: 'exists', record: same }
            : { outcome: 'conflict', latest: latest ?? same };
        if (latest && version <= latest.version) return { outcome: 'conflict', latest };
      } else {
        if (latest && latest.digest === p.digest) return { outcome: 'exists', record: latest };
        version = (latest?.version ?? 0) + 1;
      }
      try {
        const res = await this.pool.query<PolicyRow>(
          `INSERT INTO policies (tenant, name, version, document, source, format, digest, mode, enabled, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
          [
            p.tenant,
            p.name,
            version,
            JSON.stringify(p.document(version)),
            p.source,
            p.format,
            p.digest,
            p.mode,
            p.enabled,
            p.createdBy,
          ],
        );
        return { outcome: 'created', record: toRecord(res.rows[0]!) };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Another writer took this version at the same time: look again.
      }
    }
    throw new Error(`could not assign a version to policy '${p.name}' (too much contention)`);
  }

  /** One version, or the latest when `version` is omitted. */
  async get(tenant: string, name: string, version?: number): Promise<PolicyRecord | undefined> {
    const res =
      version === undefined
        ? await this.pool.query<PolicyRow>(
            'SELECT * FROM policies WHERE tenant = $1 AND name = $2 ORDER BY version DESC LIMIT 1',
            [tenant, name],
          )
        : await this.pool.query<PolicyRow>(
            'SELECT * FROM policies WHERE tenant = $1 AND name = $2 AND version = $3',
            [tenant, name, version],
          );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** The latest version of every policy of a tenant (the live policy set), by name. */
  async latest(tenant: string): Promise<PolicyRecord[]> {
    const res = await this.pool.query<PolicyRow>(
      'SELECT DISTINCT ON (name) * FROM policies WHERE tenant = $1 ORDER BY name, version DESC',
      [tenant],
    );
    return res.rows.map(toRecord);
  }

  /** Every version of a policy, newest first. */
  async versions(tenant: string, name: string): Promise<PolicyRecord[]> {
    const res = await this.pool.query<PolicyRow>(
      'SELECT * FROM policies WHERE tenant = $1 AND name = $2 ORDER BY version DESC',
      [tenant, name],
    );
    return res.rows.map(toRecord);
  }
}

/** One policy decision to record in the audit trail. */
export interface PolicyAuditEntry {
  tenant: string;
  runId?: string;
  actor: string;
  /** `policy.allow`, `policy.deny` or `policy.warn`. */
  action: string;
  subject?: string;
  details: Record<string, unknown>;
}

/** Inserts policy audit entries in one statement, on a pool or inside a caller's transaction. */
export async function insertPolicyAudit(
  db: Pick<Pool, 'query'> | Pick<PoolClient, 'query'>,
  entries: readonly PolicyAuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO audit_events (tenant, run_id, actor, action, subject, details)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`,
    [
      entries.map((e) => e.tenant),
      entries.map((e) => e.runId ?? null),
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.subject ?? null),
      entries.map((e) => JSON.stringify(e.details)),
    ],
  );
}

/** Writes policy decisions to `audit_events`, many in one statement. */
export class PolicyAuditRepository {
  constructor(private readonly pool: Pool) {}

  async appendMany(entries: readonly PolicyAuditEntry[]): Promise<void> {
    await insertPolicyAudit(this.pool, entries);
  }
}

/** What policy enforcement needs to know about a run (looked up once per run, then cached). */
export interface PolicyRunContext {
  runId: string;
  tenant: string;
  pipeline: { name: string; version: number; tags: string[] };
  input: unknown;
}

/** Reads the run facts policy enforcement needs from the runs projection. */
export class PolicyRunsRepository {
  constructor(private readonly pool: Pool) {}

  async runContext(runId: string): Promise<PolicyRunContext | undefined> {
    const res = await this.pool.query<{
      tenant: string;
      pipeline_name: string;
      pipeline_version: number;
      tags: string[];
      input: unknown;
    }>('SELECT tenant, pipeline_name, pipeline_version, tags, input FROM runs WHERE id = $1', [runId]);
    const r = res.rows[0];
    return r
      ? {
          runId,
          tenant: r.tenant,
          pipeline: { name: r.pipeline_name, version: r.pipeline_version, tags: r.tags },
          input: r.input,
        }
      : undefined;
  }
}
