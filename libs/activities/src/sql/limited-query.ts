import { Query, type PoolClient, type QueryResult } from 'pg';

/**
 * A query that fetches a bounded number of rows on the server side: it executes its portal with a
 * row limit and, when the server suspends the portal (the limit was reached), stops there instead
 * of fetching the rest.
 */
// Query's protocol handlers are not in its type declarations.
const baseHandleError = (Query.prototype as unknown as { handleError(err: Error, connection: unknown): void })
  .handleError;

class LimitedQuery extends Query {
  truncated = false;

  constructor(
    text: string,
    values: unknown[],
    maxRows: number,
    callback: (err: Error | null, res?: QueryResult) => void,
  ) {
    super({ text, values, rows: maxRows } as never, undefined as never, callback as never);
  }

  // pg's Query asks for the next page when the portal is suspended; a limited query finishes.
  handlePortalSuspended(connection: { sync(): void }): void {
    this.truncated = true;
    connection.sync();
  }

  // With a row limit pg does not pipeline a Sync after Execute, and after an ErrorResponse the
  // server discards everything until one: without it the connection would wait forever.
  handleError(err: Error, connection: { sync(): void }): void {
    if ((err as { severity?: unknown }).severity !== undefined) {
      try {
        connection.sync();
      } catch {
        // The connection is gone; the pool discards it.
      }
    }
    baseHandleError.call(this, err, connection);
  }
}

export interface LimitedResult {
  result: QueryResult<Record<string, unknown>>;
  truncated: boolean;
}

/**
 * Runs a parameterised statement returning at most `maxRows` rows; `truncated` says more existed.
 * It asks the server for one row more than the limit: a suspended portal alone cannot tell
 * "exactly maxRows" from "more". At most that one extra row crosses the network.
 */
export function limitedQuery(
  client: PoolClient,
  text: string,
  values: unknown[],
  maxRows: number,
): Promise<LimitedResult> {
  return new Promise((resolve, reject) => {
    const query: LimitedQuery = new LimitedQuery(text, values, maxRows + 1, (err, res) => {
      if (err) return reject(err);
      const result = (Array.isArray(res) ? res[res.length - 1] : res) as QueryResult<Record<string, unknown>>;
      const truncated = query.truncated || result.rows.length > maxRows;
      if (result.rows.length > maxRows) result.rows = result.rows.slice(0, maxRows);
      resolve({ result, truncated });
    });
    void client.query(query as never);
  });
}
