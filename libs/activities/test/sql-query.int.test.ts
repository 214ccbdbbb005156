import { CancelledFailure } from '@temporalio/common';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBuiltins, SQL_ERROR, SqlPoolCache, type ActivityDefinition } from '../src/index';
import { failureOf, runActivity } from './support/run-activity';

const databaseUrl = inject('databaseUrl');
const secrets = {
  'analytics-db': databaseUrl,
  'analytics-db-2': databaseUrl,
  'nowhere-db': 'postgres://flowgate@127.0.0.1:1/none',
};
const pools = new SqlPoolCache({ poolSize: 3 });
const builtins = createBuiltins({ sqlPools: pools, settings: { sql: { maxRows: 100, timeoutMs: 10_000 } } });
let sql: ActivityDefinition;
let admin: Client;

beforeAll(async () => {
  sql = builtins.definitions.find((d) => d.name === 'sql.query')!;
  admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(
    'CREATE TABLE IF NOT EXISTS sql_query_test (id serial PRIMARY KEY, name text NOT NULL UNIQUE, payload jsonb)',
  );
});

afterAll(async () => {
  await admin.query('DROP TABLE IF EXISTS sql_query_test');
  await admin.end();
  await builtins.close();
});

type Out = {
  rows: Record<string, unknown>[];
  rowCount: number | null;
  truncated: boolean;
  fields: { name: string }[];
  command: string;
};
const query = (input: Record<string, unknown>) =>
  runActivity<Out>(sql, { connectionSecret: 'analytics-db', ...input }, { secrets });

describe('sql.query against PostgreSQL', () => {
  it('runs a parameterised query; dates come back as ISO strings, bytea as base64', async () => {
    const out = await query({
      text: "SELECT $1::int + 1 AS n, $2::text AS s, '2025-01-02T03:04:05Z'::timestamptz AS at, '\\x0102'::bytea AS b",
      params: [41, "it's"],
    }).result;
    expect(out.rows).toEqual([{ n: 42, s: "it's", at: '2025-01-02T03:04:05.000Z', b: 'AQI=' }]);
    expect(out).toMatchObject({ rowCount: 1, truncated: false, command: 'SELECT' });
    expect(out.fields.map((f) => f.name)).toEqual(['n', 's', 'at', 'b']);
  });

  it('writes with parameters (JSON values included) and reports affected rows', async () => {
    const out = await query({
      text: 'INSERT INTO sql_query_test (name, payload) VALUES ($1, $2), ($3, $4)',
      params: ['a', { k: [1, 2] }, 'b', null],
    }).result;
    expect(out).toMatchObject({ rows: [], rowCount: 2, command: 'INSERT', truncated: false });
    const read = await query({
      text: 'SELECT name, payload FROM sql_query_test WHERE name = $1',
      params: ['a'],
    }).result;
    expect(read.rows).toEqual([{ name: 'a', payload: { k: [1, 2] } }]);
  });

  it('stops at maxRows on the server and says the result was truncated', async () => {
    const big = await query({ text: 'SELECT g FROM generate_series(1, 1000000) g', maxRows: 10 }).result;
    expect(big.rows).toEqual(Array.from({ length: 10 }, (_, i) => ({ g: i + 1 })));
    expect(big).toMatchObject({ truncated: true, rowCount: null });
    const exact = await query({ text: 'SELECT g FROM generate_series(1, 10) g', maxRows: 10 }).result;
    expect(exact).toMatchObject({ truncated: false, rowCount: 10 });
    expect(exact.rows).toHaveLength(10);
    const dflt = await query({ text: 'SELECT g FROM generate_series(1, 500) g' }).result;
    expect(dflt.rows).toHaveLength(100);
    expect(dflt.truncated).toBe(true);
  });

  it('fails retryably with SqlTimeout past the statement timeout', async () => {
    const started = Date.now();
    const err = await failureOf(query({ text: 'SELECT pg_sleep(5)', timeoutMs: 200 }).result);
    expect([err.type, err.nonRetryable, err.details]).toEqual([
      SQL_ERROR.timeout,
      false,
      [{ sqlState: '57014' }],
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails non-retryably on statement errors, with the SQLSTATE', async () => {
    const syntax = await failureOf(query({ text: 'SELEC 1' }).result);
    expect([syntax.type, syntax.nonRetryable, syntax.details]).toEqual([
      SQL_ERROR.statement,
      true,
      [{ sqlState: '42601' }],
    ]);
    const two = await failureOf(query({ text: 'SELECT 1; SELECT 2' }).result);
    expect([two.type, two.nonRetryable]).toEqual([SQL_ERROR.statement, true]);
    const dup = await failureOf(
      query({ text: 'INSERT INTO sql_query_test (name) VALUES ($1)', params: ['a'] }).result,
    );
    expect(dup.details).toEqual([{ sqlState: '23505' }]);
  });

  it('runs read-only when asked', async () => {
    const err = await failureOf(
      query({ text: "INSERT INTO sql_query_test (name) VALUES ('ro')", readOnly: true }).result,
    );
    expect([err.type, err.details]).toEqual([SQL_ERROR.statement, [{ sqlState: '25006' }]]);
  });

  it('fails retryably when the database cannot be reached', async () => {
    const err = await failureOf(
      runActivity(sql, { connectionSecret: 'nowhere-db', text: 'SELECT 1' }, { secrets }).result,
    );
    expect([err.type, err.nonRetryable]).toEqual([SQL_ERROR.connection, false]);
    expect(err.message).toMatch(/^sql.query \(nowhere-db\) could not connect/);
  });

  it('caches one pool per connection secret', async () => {
    await query({ text: 'SELECT 1' }).result;
    await query({ text: 'SELECT 1' }).result;
    const sizeBefore = pools.size;
    await runActivity(sql, { connectionSecret: 'analytics-db-2', text: 'SELECT 1' }, { secrets }).result;
    expect(pools.size).toBe(sizeBefore + 1);
    await query({ text: 'SELECT 1' }).result;
    expect(pools.size).toBe(sizeBefore + 1);
  });

  it('cancels the statement on the server when the activity is cancelled', async () => {
    const marker = `cancel_me_${Date.now()}`;
    const run = query({ text: `SELECT pg_sleep(30) AS ${marker}` });
    const outcome = failureOf(run.result);
    const active = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1",
          [`%${marker}%`],
        )
      ).rows[0].n as number;
    while ((await active()) === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1_100));
    const cancelledAt = Date.now();
    run.env.cancel();
    expect(await outcome).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    expect(await active()).toBe(0);
    expect(run.heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(run.heartbeats.at(-1)).toMatchObject({ phase: 'query' });
  });
});
