import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool } from 'pg';

/** Statements run on behalf of the current request (diagnostics: FLOWGATE_SQL_STATEMENT_HEADER). */
export const requestStatements = new AsyncLocalStorage<{ count: number }>();

export const SQL_STATEMENTS_HEADER = 'x-flowgate-sql-statements';

/** Counts every `pool.query` against the request it runs for (one AsyncLocalStorage lookup each). */
export function countStatements(pool: Pool): Pool {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const store = requestStatements.getStore();
    if (store) store.count++;
    return query(...args);
  };
  return pool;
}
