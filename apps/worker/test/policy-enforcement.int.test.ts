import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadPipeline, type PipelinePlan } from '@flowgate/dsl';
import { parsePolicyText, POLICY_DENIED } from '@flowgate/policy';
import { PoliciesRepository, QuotasRepository, RunsRepository } from '@flowgate/store';
import { RUN_PIPELINE_WORKFLOW, type RunPipelineInput } from '@flowgate/workflows';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * Enforcement in the worker, end to end: two real worker processes (apps/worker/dist/main.js) on
 * one task queue, workflows started directly in Temporal with hand-compiled plans, policies and
 * budgets in PostgreSQL.
 */
const root = join(__dirname, '..', '..', '..');
const TASK_QUEUE = `policy-test-${randomUUID().slice(0, 8)}`;
const IDENTITIES = ['policy-worker-a', 'policy-worker-b'];
const catalog = new Map(['core.echo', 'text.transform'].map((name) => [name, { name }]));

let workers: ChildProcess[] = [];
let client: Client;
let pool: Pool;
let policies: PoliciesRepository;
let runs: RunsRepository;

function compile(text: string): PipelinePlan {
  const result = loadPipeline(text, { catalog });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

async function applyPolicy(tenant: string, yaml: string): Promise<number> {
  const parsed = parsePolicyText(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const d = parsed.document;
  const res = await policies.insert({
    tenant,
    name: d.metadata.name,
    document: (version) => ({ ...d, metadata: { ...d.metadata, version } }),
    source: yaml,
    format: 'yaml',
    digest: parsed.digest,
    mode: d.spec.mode,
    enabled: d.spec.enabled,
    createdBy: 'test',
  });
  if (res.outcome !== 'created') throw new Error(res.outcome);
  return res.record.version;
}

/** Records the run (as the gateway does) and starts its workflow. */
async function startRun(tenant: string, plan: PipelinePlan, input: unknown = {}) {
  const id = `${plan.pipeline.name}-${randomUUID().slice(0, 12)}`;
  await runs.create({
    id,
    tenant,
    pipelineName: plan.pipeline.name,
    pipelineVersion: 1,
    digest: plan.digest,
    input,
    tags: [],
    submittedBy: 'test',
  });
  const args: RunPipelineInput = {
    plan,
    input: input as RunPipelineInput['input'],
    run: { id, tenant, submittedBy: 'test', submittedAt: new Date().toISOString() },
  };
  return client.workflow.start(RUN_PIPELINE_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: id,
    args: [args],
  });
}

/** The ApplicationFailure type at the bottom of a failure chain. */
function failureType(err: unknown): { type?: string; message: string } {
  let e = err as { cause?: unknown; type?: string; message: string };
  while (e.cause) e = e.cause as typeof e;
  return { type: e.type, message: e.message };
}

function spawnWorker(identity: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, 'apps/worker/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      FLOWGATE_TASK_QUEUE: TASK_QUEUE,
      FLOWGATE_MIGRATE: 'false',
      FLOWGATE_WORKER_IDENTITY: identity,
      FLOWGATE_POLICY_CACHE_MS: '300',
      LOG_LEVEL: 'info',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${identity} did not start`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('worker started')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker ${identity} exited with ${code}`)));
  });
}

beforeAll(async () => {
  pool = new Pool({ connectionString: inject('databaseUrl') });
  policies = new PoliciesRepository(pool);
  runs = new RunsRepository(pool);
  workers = await Promise.all(IDENTITIES.map(spawnWorker));
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
}, 90_000);

afterAll(async () => {
  await Promise.all(
    workers.map(async (w) => {
      if (w.exitCode !== null) return;
      w.kill('SIGTERM');
      await new Promise((r) => w.once('exit', r));
    }),
  );
  await client?.connection.close();
  await pool?.end();
});

describe('policy enforcement in the worker', () => {
  it('50 concurrent activities against a budget of 10: exactly 10 run, across two worker processes', async () => {
    const tenant = `budget-${randomUUID().slice(0, 8)}`;
    await applyPolicy(
      tenant,
      `apiVersion: flowgate/v1
kind: Policy
metadata: { name: cost }
spec:
  rules:
    - { id: tenant-cost, type: budget, metric: costUnits, perTenant: { max: 10, window: 3650d }, reserve: 1 }
`,
    );
    const plan = compile(`apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: spend, version: 1 }
spec:
  steps:
    - { id: spend, uses: core.echo, with: { costUnits: 1 } }
`);
    const handles = await Promise.all(Array.from({ length: 50 }, () => startRun(tenant, plan)));
    const results = await Promise.allSettled(handles.map((h) => h.result()));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => failureType(r.reason));
    expect(ok).toHaveLength(10);
    expect(failed).toHaveLength(40);
    expect(new Set(failed.map((f) => f.type))).toEqual(new Set([POLICY_DENIED]));
    expect(failed[0]!.message).toMatch(
      /policy 'cost' v1 rule 'tenant-cost' at step 'spend': per-tenant costUnits budget \(window 3650d\) exhausted/,
    );

    const budget = await new QuotasRepository(pool).budgets([`tenant:${tenant}:cost:tenant-cost`]);
    expect(budget).toEqual([expect.objectContaining({ used: 10, reserved: 0 })]);
    const audit = await pool.query<{ action: string; actor: string; n: number }>(
      `SELECT action, actor, count(*)::int AS n FROM audit_events WHERE tenant = $1 GROUP BY 1, 2`,
      [tenant],
    );
    const total = (action: string) =>
      audit.rows.filter((r) => r.action === action).reduce((s, r) => s + r.n, 0);
    expect(total('policy.allow')).toBe(10);
    expect(total('policy.deny')).toBe(40);
    expect(new Set(audit.rows.map((r) => r.actor))).toEqual(new Set(IDENTITIES));
  });

  it('a policy version applied between submission and dispatch is the one enforced', async () => {
    const tenant = `version-${randomUUID().slice(0, 8)}`;
    const doc = (deny: string) => `apiVersion: flowgate/v1
kind: Policy
metadata: { name: activities }
spec:
  rules: [ { id: deny-list, type: activity, deny: ["${deny}"] } ]
`;
    expect(await applyPolicy(tenant, doc('shell.*'))).toBe(1);
    const plan = compile(`apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: versioned, version: 1 }
spec:
  steps:
    - { id: first, uses: core.echo, with: { n: 1 } }
    - { id: pause, wait: { duration: 2s } }
    - { id: second, uses: core.echo, with: { n: 2 } }
`);
    const handle = await startRun(tenant, plan);
    // Wait until the first step ran under version 1, then tighten the policy.
    for (let i = 0; ; i++) {
      const seen = await pool.query(
        `SELECT 1 FROM audit_events WHERE run_id = $1 AND details->>'stepPath' = 'first'`,
        [handle.workflowId],
      );
      if (seen.rowCount) break;
      if (i > 100) throw new Error('first step never dispatched');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await applyPolicy(tenant, doc('core.*'))).toBe(2);
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => failureType(e),
    );
    expect(err).toEqual({
      type: POLICY_DENIED,
      message: expect.stringContaining("policy 'activities' v2 rule 'deny-list' at step 'second'"),
    });
    const rows = await pool.query<{ action: string; step: string; version: number }>(
      `SELECT action, details->>'stepPath' AS step, (details->>'policyVersion')::int AS version
         FROM audit_events WHERE run_id = $1 ORDER BY id`,
      [handle.workflowId],
    );
    expect(rows.rows).toEqual([
      { action: 'policy.allow', step: 'first', version: 1 },
      { action: 'policy.deny', step: 'second', version: 2 },
    ]);
  });

  it('a budget exhausted mid-run stops the run cleanly and compensations still run', async () => {
    const tenant = `saga-${randomUUID().slice(0, 8)}`;
    await applyPolicy(
      tenant,
      `apiVersion: flowgate/v1
kind: Policy
metadata: { name: run-budget }
spec:
  rules: [ { id: per-run, type: budget, metric: costUnits, perRun: 3, reserve: 1 } ]
`,
    );
    const plan = compile(`apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: saga, version: 1 }
spec:
  steps:
    - id: book
      uses: core.echo
      with: { costUnits: 2 }
      compensate: [ { id: cancel, uses: core.echo, with: { costUnits: 1 } } ]
    - { id: charge, uses: core.echo, with: { costUnits: 2 } }
    - { id: ship, uses: core.echo, with: { costUnits: 1 } }
`);
    const handle = await startRun(tenant, plan);
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => failureType(e),
    );
    expect(err?.type).toBe(POLICY_DENIED);
    expect(err?.message).toContain(
      "rule 'per-run' at step 'ship': per-run costUnits budget exhausted: used 4 + reserved 0 + 1 requested exceeds 3",
    );
    const rows = await pool.query<{ action: string; step: string }>(
      `SELECT action, details->>'stepPath' AS step FROM audit_events WHERE run_id = $1 ORDER BY id`,
      [handle.workflowId],
    );
    expect(rows.rows.map((r) => `${r.action} ${r.step}`)).toEqual([
      'policy.allow book',
      'policy.allow charge',
      'policy.deny ship',
      'policy.warn book/compensate/cancel',
    ]);
    const budget = await new QuotasRepository(pool).budgets([`run:${handle.workflowId}:run-budget:per-run`]);
    expect(budget).toEqual([expect.objectContaining({ used: 5, reserved: 0 })]);
  });
});
