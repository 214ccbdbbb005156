import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { repoRoot } from './dev-stack-process';

/**
 * Shared pieces of the reliability suite (test/e2e/reliability-fast.e2e.test.ts and
 * test/reliability/*.chaos.test.ts): the ledger tables, pipelines built on the test activities
 * of test/reliability/fixtures/ledger-activities.mjs, and process/database measurements.
 */

/** FLOWGATE_ACTIVITY_MODULES value that loads the test activities into a worker. */
export const LEDGER_MODULE = join(repoRoot, 'test', 'reliability', 'fixtures', 'ledger-activities.mjs');

/** Creates the tables the test activities write to (the test's own, not a product migration). */
export async function createLedgerTables(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, (c) =>
    c.query(`
      CREATE TABLE IF NOT EXISTS reliability_ledger (
        idempotency_key text PRIMARY KEY,
        run_id text NOT NULL,
        step_path text NOT NULL,
        attempt int NOT NULL,
        pid int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE TABLE IF NOT EXISTS reliability_attempts (
        id bigserial PRIMARY KEY,
        idempotency_key text NOT NULL,
        run_id text NOT NULL,
        step_path text NOT NULL,
        attempt int NOT NULL,
        pid int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE TABLE IF NOT EXISTS reliability_progress (
        id bigserial PRIMARY KEY,
        idempotency_key text NOT NULL,
        attempt int NOT NULL,
        pid int NOT NULL,
        resumed_from int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );`),
  );
}

export async function withClient<T>(databaseUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface LedgerStats {
  /** Ledger rows (one per step execution, whatever the attempts). */
  rows: number;
  /** Distinct idempotency keys among the attempts (equals `rows` when nothing was lost). */
  keys: number;
  /** Attempts that reached the activity body (retries and re-executions included). */
  attempts: number;
  /** Attempts beyond the first per key: re-executions caused by the chaos. */
  retries: number;
  /** Distinct worker processes that wrote. */
  pids: number;
}

/** Ledger figures, for every run or for the runs whose id starts with `runPrefix`. */
export async function ledgerStats(databaseUrl: string, runPrefix = ''): Promise<LedgerStats> {
  return withClient(databaseUrl, async (c) => {
    const like = `${runPrefix}%`;
    const { rows } = await c.query<{ rows: string; keys: string; attempts: string; pids: string }>(
      `SELECT (SELECT count(*) FROM reliability_ledger WHERE run_id LIKE $1) AS rows,
              (SELECT count(DISTINCT idempotency_key) FROM reliability_attempts WHERE run_id LIKE $1) AS keys,
              (SELECT count(*) FROM reliability_attempts WHERE run_id LIKE $1) AS attempts,
              (SELECT count(DISTINCT pid) FROM reliability_attempts WHERE run_id LIKE $1) AS pids`,
      [like],
    );
    const r = rows[0]!;
    return {
      rows: Number(r.rows),
      keys: Number(r.keys),
      attempts: Number(r.attempts),
      retries: Number(r.attempts) - Number(r.keys),
      pids: Number(r.pids),
    };
  });
}

export interface LedgerPipelineOptions {
  /** How long each step stays in flight after its write. */
  holdMs?: number;
  startToClose?: string;
  heartbeat?: string;
  maxAttempts?: number;
  maxInterval?: string;
}

/** A pipeline of `steps` sequential `reliability.ledger-write` steps (`s001`, `s002`, …). */
export function ledgerPipeline(name: string, steps: number, o: LedgerPipelineOptions = {}): object {
  return {
    apiVersion: 'flowgate/v1',
    kind: 'Pipeline',
    metadata: { name, version: 1, tags: ['reliability'] },
    spec: {
      defaults: {
        retry: {
          maxAttempts: o.maxAttempts ?? 30,
          initialInterval: '200ms',
          backoffCoefficient: 2,
          maxInterval: o.maxInterval ?? '2s',
        },
        timeout: { startToClose: o.startToClose ?? '5s', ...(o.heartbeat ? { heartbeat: o.heartbeat } : {}) },
      },
      steps: Array.from({ length: steps }, (_, i) => ({
        id: `s${String(i + 1).padStart(3, '0')}`,
        uses: 'reliability.ledger-write',
        with: { holdMs: o.holdMs ?? 0 },
      })),
    },
  };
}

/** One `reliability.progress` step counting `total` ticks of `tickMs`, with a heartbeat timeout. */
export function progressPipeline(name: string, total: number, tickMs: number, heartbeat: string): object {
  return {
    apiVersion: 'flowgate/v1',
    kind: 'Pipeline',
    metadata: { name, version: 1, tags: ['reliability'] },
    spec: {
      steps: [
        {
          id: 'count',
          uses: 'reliability.progress',
          with: { total, tickMs },
          timeout: { startToClose: '5m', heartbeat },
          // Generous: a paused worker's outstanding polls can each swallow one retry (see docs).
          retry: { maxAttempts: 30, initialInterval: '200ms', backoffCoefficient: 1, maxInterval: '1s' },
        },
      ],
      output: '${ steps.count.output }',
    },
  };
}

export interface ProcSample {
  /** Seconds since the sampling started. */
  t: number;
  rssMb: number;
  fds: number;
  threads: number;
}

/** Resident memory, open file descriptors and threads of a live process (Linux /proc). */
export function procSample(pid: number, t = 0): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    t,
    rssMb: Math.round((field('VmRSS') / 1024) * 10) / 10,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    threads: field('Threads'),
  };
}

/** Connections to `database` (every application), from pg_stat_activity. */
export async function pgConnections(databaseUrl: string): Promise<number> {
  return withClient(databaseUrl, async (c) => {
    const { rows } = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return Number(rows[0]!.n);
  });
}

/** Registers a pipeline document (JSON) and expects it created. */
export async function registerPipeline(
  call: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>,
  doc: object,
): Promise<void> {
  const res = await call('/pipelines', { method: 'POST', json: doc });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`registering the pipeline failed: ${res.status} ${await res.text()}`);
}

/** Prints one figure line that the chaos report collects (`RELIABILITY {...}`). */
export function report(scenario: string, figures: Record<string, unknown>): void {
  process.stdout.write(`RELIABILITY ${JSON.stringify({ scenario, ...figures })}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
