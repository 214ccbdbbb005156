import type { TestProject } from 'vitest/node';
import { createTestDatabase, type TestDatabase } from './database';
import { startTemporalTestEnv } from './temporal-env';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
  }
}

/**
 * Integration suites share one real Temporal dev server (the installed Temporal CLI, in memory)
 * and one fresh PostgreSQL database for the whole run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [env, db]: [Awaited<ReturnType<typeof startTemporalTestEnv>>, TestDatabase] = await Promise.all([
    startTemporalTestEnv(),
    createTestDatabase(),
  ]);
  project.provide('temporalAddress', env.address);
  project.provide('databaseUrl', db.url);
  return async () => {
    await env.teardown();
    await db.drop();
  };
}
