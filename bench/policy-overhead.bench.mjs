#!/usr/bin/env node
// Policy enforcement overhead (issue 6): the share that worker-side policy checks add to the
// 20-step sequential interpreter run of bench/interpreter.bench.mjs.
//
// One Temporal dev server, one PostgreSQL database, two in-process workers with the same
// interpreter bundle and the same no-op activity on two task queues: one plain, one with the
// policy enforcement interceptor (live policy lookup, budget reservation and settlement in
// PostgreSQL, audit rows). Runs are interleaved; we report medians and the per-activity cost.
// The realistic policy: activity allow/deny, retry and timeout bounds, a per-run and a
// per-tenant cost budget (two atomic reservations per activity), allows audited.
//
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//        node bench/policy-overhead.bench.mjs [--runs 20] [--no-audit-allow]     (after `npx tsc -b`)
// Results: printed and written to bench/results/policy-overhead.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, pct, temporalBinary } from './support.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { TestWorkflowEnvironment } = require('@temporalio/testing');
const { Worker, Runtime, DefaultLogger, bundleWorkflowCode } = require('@temporalio/worker');
const { Client: PgClient, Pool } = require('pg');
const { loadPipeline } = require('@flowgate/dsl');
const { SEARCH_ATTRIBUTE_TYPES } = require('@flowgate/workflows');
const { parsePolicyText } = require('@flowgate/policy');
const { migrate, PoliciesRepository, RunsRepository } = require('@flowgate/store');
const { createLogger } = require('@flowgate/config');
const { createPolicyEnforcement } = require(
  join(root, 'apps/worker/dist/policy/create-policy-enforcement.js'),
);
const { PolicyEnforcer } = require(join(root, 'apps/worker/dist/policy/policy-enforcer.js'));
const { LivePolicies, RunContexts } = require(join(root, 'apps/worker/dist/policy/live-policies.js'));
const { PolicyRunsRepository, QuotasRepository, PolicyAuditRepository } = require('@flowgate/store');

const args = process.argv.slice(2);
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 20;
const AUDIT_ALLOW = !args.includes('--no-audit-allow');
const STEPS = 20;
const server = process.env.DATABASE_URL;
if (!server)
  throw new Error('set DATABASE_URL to a PostgreSQL server (a throw-away database is created on it)');

const plan = (() => {
  const r = loadPipeline(
    `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: bench-seq, version: 1 }
spec:
  defaults:
    retry: { maxAttempts: 3, initialInterval: 1s, backoffCoefficient: 2, maxInterval: 1m }
    timeout: { startToClose: 30s }
  steps:
${Array.from({ length: STEPS }, (_, i) => `    - { id: s${i}, uses: bench.noop, with: { i: ${i}, costUnits: 1 } }`).join('\n')}
`,
    { catalog: new Map([['bench.noop', { name: 'bench.noop' }]]) },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
})();

const POLICY = `apiVersion: flowgate/v1
kind: Policy
metadata: { name: bench-baseline }
spec:
  rules:
    - { id: allowed, type: activity, allow: ["bench.*", "core.*", "http.*", "llm.*"], deny: ["shell.*"] }
    - { id: retries, type: retry, maxAttempts: 5 }
    - { id: timeouts, type: timeout, maxStartToClose: 10m }
    - { id: run-cost, type: budget, metric: costUnits, perRun: 1000, reserve: 1 }
    - { id: tenant-cost, type: budget, metric: costUnits, perTenant: { max: 100000000, window: 1d }, reserve: 1 }
`;

// A throw-away database.
const dbName = `flowgate_bench_${randomBytes(4).toString('hex')}`;
const admin = new PgClient({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
await migrate(dbUrl.toString());
const pool = new Pool({ connectionString: dbUrl.toString(), max: 10 });
const parsed = parsePolicyText(POLICY);
await new PoliciesRepository(pool).insert({
  tenant: 'bench',
  name: 'bench-baseline',
  document: (version) => ({ ...parsed.document, metadata: { ...parsed.document.metadata, version } }),
  source: POLICY,
  format: 'yaml',
  digest: parsed.digest,
  mode: 'enforce',
  enabled: true,
  createdBy: 'bench',
});
const runsRepo = new RunsRepository(pool);

Runtime.install({ logger: new DefaultLogger('WARN') });
const env = await TestWorkflowEnvironment.createLocal({
  server: {
    executable: { type: 'existing-path', path: temporalBinary() },
    extraArgs: Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([n, t]) => [
      '--search-attribute',
      `${n}=${t}`,
    ]),
  },
});
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const workflowBundle = await bundleWorkflowCode({
  workflowsPath: require.resolve('@flowgate/workflows/dist/workflows.js'),
  logger: quiet,
});
const common = {
  connection: env.nativeConnection,
  workflowBundle,
  activities: { 'bench.noop': async (input) => input },
  sinks: { projection: { run: { fn() {} }, step: { fn() {} } } },
  maxConcurrentActivityTaskExecutions: 200,
};
const enforcement = createPolicyEnforcement(
  pool,
  {
    FLOWGATE_POLICY_ENFORCEMENT: true,
    FLOWGATE_POLICY_CACHE_MS: 3000,
    FLOWGATE_POLICY_AUDIT_ALLOW: AUDIT_ALLOW,
  },
  'bench-worker',
  createLogger('bench', 'warn'),
);
const plain = await Worker.create({ ...common, taskQueue: 'bench-plain' });
const policed = await Worker.create({
  ...common,
  taskQueue: 'bench-policy',
  interceptors: { activity: [enforcement] },
});
const client = env.client;
const result = {
  date: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  steps: STEPS,
  auditAllow: AUDIT_ALLOW,
};

const execute = async (taskQueue, id) => {
  await runsRepo.create({
    id,
    tenant: 'bench',
    pipelineName: 'bench-seq',
    pipelineVersion: 1,
    digest: plan.digest,
    input: {},
    tags: [],
    submittedBy: 'bench',
  });
  const t = process.hrtime.bigint();
  await client.workflow.execute('runPipeline', {
    taskQueue,
    workflowId: id,
    args: [
      {
        plan,
        input: {},
        run: { id, tenant: 'bench', submittedBy: 'bench', submittedAt: new Date().toISOString() },
      },
    ],
  });
  return Number(process.hrtime.bigint() - t) / 1e6;
};

await Promise.all([
  plain.runUntil(
    policed.runUntil(async () => {
      for (let i = 0; i < 3; i++) {
        await execute('bench-plain', `warm-p-${i}`);
        await execute('bench-policy', `warm-e-${i}`);
      }
      const tp = [];
      const te = [];
      for (let i = 0; i < RUNS; i++) {
        const order = i % 2 === 0 ? ['p', 'e'] : ['e', 'p'];
        for (const which of order) {
          if (which === 'p') tp.push(await execute('bench-plain', `plain-${i}`));
          else te.push(await execute('bench-policy', `policed-${i}`));
        }
      }
      const mp = median(tp);
      const me = median(te);
      result.withoutEnforcementMs = { median: mp, p90: pct(tp, 90) };
      result.withEnforcementMs = { median: me, p90: pct(te, 90) };
      result.share = (me - mp) / me;
      result.perActivityMs = (me - mp) / STEPS;
      process.stdout.write(
        `seq (${STEPS} steps, ${RUNS} interleaved runs): without enforcement median ${mp.toFixed(1)} ms, ` +
          `with ${me.toFixed(1)} ms → policy checks are ${(100 * result.share).toFixed(1)}% of the run ` +
          `(+${(100 * (me / mp - 1)).toFixed(1)}%), ${result.perActivityMs.toFixed(2)} ms per activity ` +
          `(audit of allows ${AUDIT_ALLOW ? 'on' : 'off'})\n`,
      );
    }),
  ),
]);
// Direct cost of one enforcement (cached policy and run; reservation + settlement + audit in PostgreSQL).
const enforcer = new PolicyEnforcer({
  policies: new LivePolicies(new PoliciesRepository(pool), 3000),
  runs: new RunContexts(new PolicyRunsRepository(pool)),
  quotas: new QuotasRepository(pool),
  audit: new PolicyAuditRepository(pool),
  identity: 'bench',
  logger: createLogger('bench', 'warn'),
  auditAllow: AUDIT_ALLOW,
});
const direct = [];
for (let i = 0; i < 1000; i++) {
  const t = process.hrtime.bigint();
  await enforcer.run(
    {
      workflowId: 'plain-0',
      activity: 'bench.noop',
      stepPath: `s${i % 20}`,
      attempt: 1,
      args: { costUnits: 1 },
      startToCloseMs: 30_000,
    },
    async () => ({ costUnits: 1 }),
  );
  if (i >= 100) direct.push(Number(process.hrtime.bigint() - t) / 1e6);
}
result.enforcementPerActivityMs = { p50: median(direct), p99: pct(direct, 99) };
process.stdout.write(
  `one enforcement in-process (PostgreSQL on 127.0.0.1): p50 ${median(direct).toFixed(2)} ms, p99 ${pct(direct, 99).toFixed(2)} ms\n`,
);

// Sanity: every policed activity reserved and settled its budgets.
const budget = await pool.query(
  `SELECT used::float AS used, reserved::float AS reserved FROM policy_budgets WHERE key = 'tenant:bench:bench-baseline:tenant-cost'`,
);
const audited = await pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'policy.%'`);
result.checks = {
  tenantBudget: budget.rows[0],
  auditRows: audited.rows[0].n,
  expectedCharge: (RUNS + 3) * STEPS + 1000,
};
process.stdout.write(
  `checks: tenant budget ${JSON.stringify(budget.rows[0])} (expected used ${(RUNS + 3) * STEPS + 1000}), ${audited.rows[0].n} policy audit rows\n`,
);
await env.teardown();
await pool.end();
const drop = new PgClient({ connectionString: server });
await drop.connect();
await drop.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await drop.end();
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', `policy-overhead${AUDIT_ALLOW ? '' : '-no-audit-allow'}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
