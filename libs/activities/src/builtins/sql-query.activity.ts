import { ApplicationFailure } from '@temporalio/common';
import { Client, type PoolClient } from 'pg';
import { z } from 'zod';
import { cancellationOr, keepHeartbeating } from '../sdk/activity-helpers';
import { defineActivity } from '../sdk/define-activity';
import { SecretScope, secretNameSchema } from '../secrets/secret-refs';
import type { ActivitySettings } from '../settings';
import { limitedQuery } from '../sql/limited-query';
import type { SqlPoolCache } from '../sql/sql-pools';
import { sqlFailure } from '../sql/sql-errors';

/** Hard upper bound of `maxRows` (outputs go into workflow history). */
export const SQL_MAX_ROWS_CAP = 10_000;

export const sqlQueryInput = z
  .object({
    connectionSecret: secretNameSchema.describe('Secret holding the postgres:// connection string.'),
    text: z.string().min(1).max(100_000).describe('One SQL statement with $1, $2, … placeholders.'),
    params: z.array(z.unknown()).max(1_000).default([]).describe('Values of the placeholders.'),
    maxRows: z.number().int().positive().max(SQL_MAX_ROWS_CAP).optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).optional().describe('Statement timeout.'),
    readOnly: z.boolean().default(false).describe('Run in a READ ONLY transaction.'),
  })
  .strict();

export const sqlQueryOutput = z.object({
  rows: z.array(z.record(z.string(), z.unknown())),
  rowCount: z.number().int().nullable().describe('Rows returned or affected (null when truncated).'),
  truncated: z.boolean().describe('True when more rows existed than maxRows.'),
  fields: z.array(z.object({ name: z.string(), dataTypeId: z.number().int() })),
  command: z.string().nullable(),
});

/** Values pg returns that JSON (and workflow history) would mangle: dates → ISO, bytea → base64. */
function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  return value;
}

/**
 * `sql.query`: one parameterised PostgreSQL statement on a connection named by a secret, with a
 * row limit enforced by the server (no row past it is fetched) and a statement timeout. Pools are
 * cached per secret. Cancellation cancels the statement on the server.
 */
export function createSqlQueryActivity(settings: ActivitySettings, pools: SqlPoolCache) {
  return defineActivity({
    name: 'sql.query',
    description:
      'Runs one parameterised PostgreSQL statement (text + params) on the connection in a secret. ' +
      'Output: rows (at most maxRows), rowCount, truncated, fields. Fails with SqlError (non-retryable), ' +
      'SqlConnectionError, SqlTransientError, SqlTimeout (retryable) or SqlAuthError.',
    input: sqlQueryInput,
    output: sqlQueryOutput,
    handler: async (input, ctx) => {
      const scope = new SecretScope((name) => ctx.secret(name));
      const connectionString = await scope.get(input.connectionSecret);
      const maxRows = input.maxRows ?? settings.sql.maxRows;
      const timeoutMs = input.timeoutMs ?? settings.sql.timeoutMs;
      const fail = (err: unknown, what: string) =>
        sqlFailure(
          err,
          scope.redactText(`sql.query (${input.connectionSecret}) ${what}: ${(err as Error).message}`),
        );

      const startedAt = Date.now();
      const stopHeartbeat = keepHeartbeating(ctx, () => ({
        phase: 'query',
        elapsedMs: Date.now() - startedAt,
      }));
      let client: PoolClient | undefined;
      let broken = false;
      const onAbort = () => {
        broken = true;
        if (client) void cancelBackend(connectionString, client);
      };
      try {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        try {
          client = await pools.get(input.connectionSecret, connectionString).connect();
        } catch (err) {
          throw fail(err, 'could not connect');
        }
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        try {
          await client.query(input.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
          await client.query(`SET LOCAL statement_timeout = ${Math.round(timeoutMs)}`);
          const { result, truncated } = await limitedQuery(client, input.text, input.params, maxRows);
          await client.query('COMMIT');
          return scope.redact({
            rows: result.rows.map((row) =>
              Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsonValue(v)])),
            ),
            rowCount: truncated ? null : (result.rowCount ?? result.rows.length),
            truncated,
            fields: (result.fields ?? []).map((f) => ({ name: f.name, dataTypeId: f.dataTypeID })),
            command: result.command ?? null,
          });
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw err instanceof ApplicationFailure ? err : fail(err, 'failed');
        }
      } catch (err) {
        throw cancellationOr(ctx, err);
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        stopHeartbeat();
        // A connection whose statement was cancelled (or whose ROLLBACK failed) is not reused.
        client?.release(broken ? true : undefined);
      }
    },
  });
}

/** Cancels the statement running on a pooled connection, from a separate short-lived connection. */
async function cancelBackend(connectionString: string, client: PoolClient): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (!pid) return;
  const canceller = new Client({
    connectionString,
    connectionTimeoutMillis: 5_000,
    application_name: 'flowgate-sql-cancel',
  });
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // The statement ends anyway when its connection is destroyed on release.
  } finally {
    await canceller.end().catch(() => undefined);
  }
}
