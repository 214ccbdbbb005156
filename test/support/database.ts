import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate, startEmbeddedPostgres } from '@flowgate/store';
import { freePort } from './ports';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for a test run: a new database on the server named by DATABASE_URL
 * when set (CI has one on 127.0.0.1:5432), else an embedded PostgreSQL in a temporary directory.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `flowgate_test_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    await migrate(url.toString());
    return {
      url: url.toString(),
      drop: async () => {
        const c = new Client({ connectionString: server });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const pg = await startEmbeddedPostgres({
    dataDir: join(tmpdir(), `flowgate-test-pg-${randomBytes(4).toString('hex')}`),
    port: await freePort(),
    ephemeral: true,
  });
  await migrate(pg.url);
  return { url: pg.url, drop: () => pg.stop() };
}
