import { join } from 'node:path';
import type { Logger } from '@flowgate/config';

/** Directory of the SQL migrations shipped with this package. */
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

/**
 * Applies every pending migration. Safe to re-run and to run from several processes at once:
 * node-pg-migrate serialises runners with an advisory lock and records applied migrations.
 */
export async function migrate(databaseUrl: string, logger?: Logger): Promise<string[]> {
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'flowgate_migrations',
    checkOrder: true,
    singleTransaction: true,
    log: (msg: string) => logger?.debug({ migration: msg }, 'migration'),
    verbose: false,
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger?.info({ applied: names }, 'database migrations applied');
  return names;
}
