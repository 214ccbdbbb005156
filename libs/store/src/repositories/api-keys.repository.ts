import type { Pool } from 'pg';

export type Role = 'viewer' | 'operator' | 'approver' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'approver', 'admin'];

export interface ApiKeyRecord {
  id: string;
  prefix: string;
  hash: string;
  name: string;
  tenant: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Requests per minute allowed to this key; null: the gateway default. */
  rateLimitPerMinute: number | null;
  /** Approver groups (matched, with the role, against approval steps' `approvers.roles`). */
  groups: string[];
}

const COLUMNS =
  'id, prefix, hash, name, tenant, role, created_at, last_used_at, revoked_at, rate_limit_per_minute, groups';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** API keys, stored as a public prefix plus a password hash of the secret part. */
export class ApiKeysRepository {
  constructor(private readonly pool: Pool) {}

  async insert(k: {
    prefix: string;
    hash: string;
    name: string;
    tenant: string;
    role: Role;
    rateLimitPerMinute?: number | null;
    /** Approver groups of the key (default none). */
    groups?: readonly string[];
  }): Promise<ApiKeyRecord> {
    const res = await this.pool.query(
      `INSERT INTO api_keys (prefix, hash, name, tenant, role, rate_limit_per_minute, groups) VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${COLUMNS}`,
      [k.prefix, k.hash, k.name, k.tenant, k.role, k.rateLimitPerMinute ?? null, [...(k.groups ?? [])]],
    );
    return toRecord(res.rows[0]);
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const res = await this.pool.query(`SELECT ${COLUMNS} FROM api_keys WHERE prefix = $1`, [prefix]);
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** A key by id; with a tenant, only that tenant's key. */
  async findById(id: string, tenant?: string): Promise<ApiKeyRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const res = await this.pool.query(
      `SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)`,
      [id, tenant ?? null],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** Keys of a tenant (every tenant when undefined), newest first. */
  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    const res = await this.pool.query(
      `SELECT ${COLUMNS} FROM api_keys WHERE ($1::text IS NULL OR tenant = $1) ORDER BY created_at DESC, id`,
      [tenant ?? null],
    );
    return res.rows.map(toRecord);
  }

  /** Revokes a key (idempotent: an already revoked key keeps its first revocation time). */
  async revoke(id: string, tenant?: string): Promise<ApiKeyRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const res = await this.pool.query(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
        WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) RETURNING ${COLUMNS}`,
      [id, tenant ?? null],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  async touch(id: string): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
  }
}

function toRecord(r: Record<string, unknown>): ApiKeyRecord {
  return {
    id: r.id as string,
    prefix: r.prefix as string,
    hash: r.hash as string,
    name: r.name as string,
    tenant: r.tenant as string,
    role: r.role as Role,
    createdAt: r.created_at as Date,
    lastUsedAt: (r.last_used_at as Date | null) ?? null,
    revokedAt: (r.revoked_at as Date | null) ?? null,
    rateLimitPerMinute: (r.rate_limit_per_minute as number | null) ?? null,
    groups: (r.groups as string[] | null) ?? [],
  };
}
