import { join } from 'node:path';
import { Client } from 'pg';
import type { Logger } from '@flowgate/config';

/** Directory of the SQL migrations shipped with this package. */
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

/** Advisory lock key serialising migration runners (any constant unique to Flowgate). */
const MIGRATION_LOCK_KEY = 7_260_417_331;

/**
 * Applies every pending migration. Safe to re-run, and safe when several processes start at once
 * (gateway and workers): runners queue on a blocking advisory lock instead of failing, and the
 * later ones find nothing left to apply.
 */
export async function migrate(databaseUrl: string, logger?: Logger): Promise<string[]> {
  const { runner } = await import('node-pg-migrate');
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('SET lock_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await runner({
        dbClient: client,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'flowgate_migrations',
        checkOrder: true,
        singleTransaction: true,
        noLock: true,
        log: (msg: string) => logger?.debug({ migration: msg }, 'migration'),
        verbose: false,
      });
      const names = applied.map((m) => m.name);
      if (names.length > 0) logger?.info({ applied: names }, 'database migrations applied');
      return names;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
