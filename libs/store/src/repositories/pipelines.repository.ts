import type { Pool } from 'pg';

export interface PipelineRecord {
  tenant: string;
  name: string;
  version: number;
  document: unknown;
  source: string;
  format: 'yaml' | 'json';
  digest: string;
  plan: unknown;
  tags: string[];
  createdBy: string;
  createdAt: Date;
}

export type NewPipelineVersion = Omit<PipelineRecord, 'createdAt'>;

interface PipelineRow {
  tenant: string;
  name: string;
  version: number;
  document: unknown;
  source: string;
  format: 'yaml' | 'json';
  digest: string;
  plan: unknown;
  tags: string[];
  created_by: string;
  created_at: Date;
}

const toRecord = (r: PipelineRow): PipelineRecord => ({
  tenant: r.tenant,
  name: r.name,
  version: r.version,
  document: r.document,
  source: r.source,
  format: r.format,
  digest: r.digest,
  plan: r.plan,
  tags: r.tags,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export type InsertPipelineOutcome =
  | { outcome: 'created'; record: PipelineRecord }
  | { outcome: 'unchanged'; record: PipelineRecord }
  | { outcome: 'conflict'; existing: PipelineRecord };

/** The pipelines registry. Versions are immutable once written. */
export class PipelinesRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Stores a new version. Re-registering the same version with the same digest is a no-op
   * (`unchanged`); the same version with a different digest is a `conflict`.
   */
  async insert(p: NewPipelineVersion): Promise<InsertPipelineOutcome> {
    const inserted = await this.pool.query<PipelineRow>(
      `INSERT INTO pipelines (tenant, name, version, document, source, format, digest, plan, tags, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (tenant, name, version) DO NOTHING
       RETURNING *`,
      [
        p.tenant,
        p.name,
        p.version,
        JSON.stringify(p.document),
        p.source,
        p.format,
        p.digest,
        JSON.stringify(p.plan),
        p.tags,
        p.createdBy,
      ],
    );
    if (inserted.rows[0]) return { outcome: 'created', record: toRecord(inserted.rows[0]) };
    const existing = await this.get(p.tenant, p.name, p.version);
    if (!existing) throw new Error(`pipeline ${p.name}@${p.version} vanished during insert`);
    return existing.digest === p.digest
      ? { outcome: 'unchanged', record: existing }
      : { outcome: 'conflict', existing };
  }

  async get(tenant: string, name: string, version: number): Promise<PipelineRecord | undefined> {
    const res = await this.pool.query<PipelineRow>(
      'SELECT * FROM pipelines WHERE tenant = $1 AND name = $2 AND version = $3',
      [tenant, name, version],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  async latest(tenant: string, name: string): Promise<PipelineRecord | undefined> {
    const res = await this.pool.query<PipelineRow>(
      'SELECT * FROM pipelines WHERE tenant = $1 AND name = $2 ORDER BY version DESC LIMIT 1',
      [tenant, name],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** Latest version of every pipeline of a tenant. */
  async listLatest(tenant: string): Promise<PipelineRecord[]> {
    const res = await this.pool.query<PipelineRow>(
      `SELECT DISTINCT ON (name) * FROM pipelines WHERE tenant = $1 ORDER BY name, version DESC`,
      [tenant],
    );
    return res.rows.map(toRecord);
  }

  async versions(tenant: string, name: string): Promise<PipelineRecord[]> {
    const res = await this.pool.query<PipelineRow>(
      'SELECT * FROM pipelines WHERE tenant = $1 AND name = $2 ORDER BY version DESC',
      [tenant, name],
    );
    return res.rows.map(toRecord);
  }
}
