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
  revokedAt: Date | null;
}

/** API keys, stored as a public prefix plus a password hash of the secret part. */
export class ApiKeysRepository {
  constructor(private readonly pool: Pool) {}

  async insert(k: { prefix: string; hash: string; name: string; tenant: string; role: Role }): Promise<ApiKeyRecord> {
    const res = await this.pool.query(
      `INSERT INTO api_keys (prefix, hash, name, tenant, role) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, prefix, hash, name, tenant, role, created_at, revoked_at`,
      [k.prefix, k.hash, k.name, k.tenant, k.role],
    );
    return toRecord(res.rows[0]);
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const res = await this.pool.query(
      'SELECT id, prefix, hash, name, tenant, role, created_at, revoked_at FROM api_keys WHERE prefix = $1',
      [prefix],
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
    revokedAt: (r.revoked_at as Date | null) ?? null,
  };
}
