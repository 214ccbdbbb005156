import { createHash } from 'node:crypto';
import { Pool } from 'pg';

/**
 * One pg pool per connection secret, per worker, created on first use. When a secret's value
 * changes (rotation), the next query gets a new pool and the old one drains.
 */
export class SqlPoolCache {
  private readonly pools = new Map<string, { digest: string; pool: Pool }>();

  constructor(private readonly options: { poolSize: number; applicationName?: string }) {}

  get(secretName: string, connectionString: string): Pool {
    const digest = createHash('sha256').update(connectionString).digest('hex');
    const cached = this.pools.get(secretName);
    if (cached && cached.digest === digest) return cached.pool;
    if (cached) void cached.pool.end().catch(() => undefined);
    const pool = new Pool({
      connectionString,
      max: this.options.poolSize,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      application_name: this.options.applicationName ?? 'flowgate-sql-query',
    });
    // A broken idle connection must not crash the worker; the next query reconnects.
    pool.on('error', () => undefined);
    this.pools.set(secretName, { digest, pool });
    return pool;
  }

  /** Number of pools open now (tests, metrics). */
  get size(): number {
    return this.pools.size;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.pool.end().catch(() => undefined)));
  }
}
