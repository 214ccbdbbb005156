#!/usr/bin/env node
// Gateway benchmark, against a real local stack (`flowgate dev --ephemeral`):
//
//   start   POST /v1/runs at 100 connections (autocannon) vs bare `client.workflow.start` at the same
//           concurrency, in the same stack and the same run: after a warm-up of both, `--rounds`
//           interleaved rounds (order alternating); medians over rounds of p50 and p99, their
//           ratio, errors
//   tree    the GraphQL query of a 5,000-step run tree (steps → children → attempts): SQL statements
//           per query (x-flowgate-sql-statements) and p50/p95 latency
//
// Usage: npm run bench:gateway [-- --duration 10] [-- --rounds 3] [-- --connections 100] [-- --tree-requests 40]
// Uses DATABASE_URL when set (a fresh database is created on that server), else embedded PostgreSQL.
// The bench process (the bare client's side) runs with the gateway's Node flags (GATEWAY_NODE_FLAGS,
// set by `npm run bench:gateway`), so runtime tuning is not what tells the two sides apart.
// Results: printed, and written to bench/results/gateway.json.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import gatewayStarter from '../apps/gateway/dist/runs/run-starter.service.js';
import { median, root } from './support.mjs';

const { runWorkflowStartOptions } = gatewayStarter;

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const DURATION_S = arg('duration', 10);
const CONNECTIONS = arg('connections', 100);
const TREE_REQUESTS = arg('tree-requests', 40);
const ROUNDS = arg('rounds', 3);
const TREE_STEPS = 5_000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const round = (n) => Math.round(n * 100) / 100;

async function database() {
  const server = process.env.DATABASE_URL;
  if (!server) return { url: undefined, drop: async () => undefined };
  const name = `flowgate_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function startStack(databaseUrl) {
  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    FLOWGATE_PG_PORT: String(await freePort()),
    FLOWGATE_SQL_STATEMENT_HEADER: 'true',
    FLOWGATE_RATE_LIMIT_PER_MINUTE: '10000000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const child = spawn(
    process.execPath,
    [join(root, 'apps', 'cli', 'dist', 'main.js'), 'dev', '--ephemeral', '--quiet'],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = [];
  createInterface({ input: child.stderr }).on('line', (l) => output.push(l));
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`stack not ready:\n${output.slice(-20).join('\n')}`)),
      180_000,
    );
    createInterface({ input: child.stdout }).on('line', (l) => {
      if (l.startsWith('FLOWGATE_READY ')) {
        clearTimeout(timer);
        resolve(JSON.parse(l.slice('FLOWGATE_READY '.length)));
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`stack exited with ${code}:\n${output.slice(-20).join('\n')}`)),
    );
  });
  return { info, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

/** Runs `call` from `concurrency` loops for `seconds`; returns sorted latencies (ms) and errors. */
async function closedLoop(call, concurrency, seconds) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const t = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t);
        } catch (err) {
          errors++;
          firstError ??= err.message;
        }
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors, firstError };
}

async function main() {
  const db = await database();
  const stack = await startStack(db.url);
  const { info } = stack;
  const base = info.restUrl.replace(/\/v1$/, '');
  const results = { when: new Date().toISOString(), durationSeconds: DURATION_S, connections: CONNECTIONS };
  try {
    const sql = new pg.Client({ connectionString: info.databaseUrl });
    await sql.connect();
    const plan = (
      await sql.query(
        `SELECT plan FROM pipelines WHERE tenant = 'default' AND name = 'hello' ORDER BY version DESC LIMIT 1`,
      )
    ).rows[0].plan;

    const connection = await Connection.connect({ address: info.temporalAddress });
    const client = new Client({ connection });
    // Both phases start the same workflows on the same worker; each starts once the previous phase's
    // runs have finished, so neither is measured against the other's backlog on this machine.
    const drain = async () => {
      const deadline = Date.now() + 300_000;
      while (
        Date.now() < deadline &&
        (await client.workflow.count('ExecutionStatus = "Running"')).count > 0
      ) {
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    // 1. The gateway: auth, validation, input schema, projection row, workflow start, audit.
    const gatewayPhase = async (seconds) => {
      const r = await autocannon({
        url: `${base}/v1/runs`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        headers: { authorization: `Bearer ${info.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ pipeline: 'hello', input: { name: 'Bench' } }),
      });
      return {
        requests: r.requests.total,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        requestsPerSecond: r.requests.average,
      };
    };
    // 2. Bare Temporal client: the same workflow start, with the same options, as the gateway's.
    let n = 0;
    const barePhase = async (seconds) => {
      const bare = await closedLoop(
        () => {
          const id = `bench-bare-${process.pid}-${n++}`;
          // Exactly the start the gateway makes (search attributes, memo, summary), minus the gateway.
          return client.workflow.start(
            'runPipeline',
            runWorkflowStartOptions(
              {
                plan,
                input: { name: 'Bench' },
                run: { id, tenant: 'default', submittedBy: 'bench', submittedAt: new Date().toISOString() },
              },
              'flowgate',
            ),
          );
        },
        CONNECTIONS,
        seconds,
      );
      return {
        requests: bare.latencies.length,
        errors: bare.errors,
        p50Ms: round(percentile(bare.latencies, 50)),
        p99Ms: round(percentile(bare.latencies, 99)),
        requestsPerSecond: round(bare.latencies.length / seconds),
        ...(bare.firstError ? { firstError: bare.firstError } : {}),
      };
    };
    // Warm-up of both paths (JIT, connection pools, caches), not measured.
    await gatewayPhase(3);
    await drain();
    await barePhase(3);
    await drain();
    // Interleaved rounds, order alternating, each phase after the previous one's runs finished.
    const gatewayRounds = [];
    const bareRounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const which of r % 2 === 0 ? ['gateway', 'bare'] : ['bare', 'gateway']) {
        if (which === 'gateway') gatewayRounds.push(await gatewayPhase(DURATION_S));
        else bareRounds.push(await barePhase(DURATION_S));
        await drain();
      }
    }
    const med = (rows, key) => round(median(rows.map((x) => x[key])));
    const summary = (rows) => ({
      requests: rows.reduce((a, x) => a + x.requests, 0),
      errors: rows.reduce((a, x) => a + x.errors + (x.non2xx ?? 0), 0),
      p50Ms: med(rows, 'p50Ms'),
      p99Ms: med(rows, 'p99Ms'),
      requestsPerSecond: med(rows, 'requestsPerSecond'),
      rounds: rows,
    });
    results.gatewayStart = summary(gatewayRounds);
    results.bareStart = summary(bareRounds);
    // Ratios of the medians over rounds, and per round (same round = same server state).
    results.ratio = {
      p50: round(results.gatewayStart.p50Ms / results.bareStart.p50Ms),
      p99: round(results.gatewayStart.p99Ms / results.bareStart.p99Ms),
      p50PerRound: gatewayRounds.map((g, i) => round(g.p50Ms / bareRounds[i].p50Ms)),
    };

    // 3. GraphQL over a 5,000-step run tree (rows written directly: 1 map step + 4,999 items, 2 attempts each).
    const runId = 'bench-tree-20260101-5000step';
    await sql.query(
      `INSERT INTO runs (id, tenant, pipeline_name, pipeline_version, digest, status, input, submitted_by, finished_at)
       VALUES ($1, 'default', 'bench-tree', 1, 'd', 'succeeded', '{}', 'bench', now())`,
      [runId],
    );
    await sql.query(
      `INSERT INTO step_runs (run_id, path, step_id, kind, status, attempts, started_at, output_preview)
       SELECT $1, 'fan', 'fan', 'map', 'succeeded', 1, now(), NULL
       UNION ALL SELECT $1, 'fan[' || i || ']/work', 'work', 'uses', 'succeeded', 2, now(), '{"ok":true}' FROM generate_series(0, $2 - 2) AS i`,
      [runId, TREE_STEPS],
    );
    await sql.query(
      `INSERT INTO attempts (run_id, path, attempt, status, worker)
       SELECT run_id, path, a, CASE WHEN a = 1 THEN 'failed' ELSE 'succeeded' END, 'bench' FROM step_runs, generate_series(1, 2) AS a
        WHERE run_id = $1 AND kind = 'uses'`,
      [runId],
    );
    await sql.end();
    const query = `query ($id: ID!) { run(id: $id) { id status steps { path status attempts { attempt status }
      children { path status outputPreview attempts { attempt status worker } } } } }`;
    const tree = [];
    const statements = new Set();
    let steps = 0;
    for (let i = 0; i < TREE_REQUESTS + 2; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { id: runId } }),
      });
      const body = await res.json();
      const ms = performance.now() - t;
      if (i < 2) continue; // warm-up
      tree.push(ms);
      statements.add(Number(res.headers.get('x-flowgate-sql-statements')));
      steps = 1 + body.data.run.steps[0].children.length;
    }
    tree.sort((a, b) => a - b);
    results.graphqlTree = {
      steps,
      requests: tree.length,
      sqlStatementsPerQuery: [...statements],
      p50Ms: round(percentile(tree, 50)),
      p95Ms: round(percentile(tree, 95)),
    };
    await connection.close();
  } finally {
    await stack.stop();
    await db.drop();
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'gateway.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:gateway: ${err.stack ?? err}\n`);
  process.exit(1);
});
