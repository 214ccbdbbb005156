import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repoRoot, startDevStack, type RunningStack } from '../support/dev-stack-process';

/** Governance through the gateway: policy CRUD, admission (deny, warn, quota), dry-run, CLI. */
let stack: RunningStack;
let db: TestDatabase;
let pool: Pool;
let dir: string;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.info.restUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${stack.info.apiKey}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
const postYaml = (path: string, yaml: string) =>
  api(path, { method: 'POST', body: yaml, headers: { 'content-type': 'application/yaml' } });

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'apps/cli/dist/main.js'), ...args],
      {
        env: {
          ...process.env,
          FLOWGATE_URL: stack.info.restUrl,
          FLOWGATE_API_KEY: stack.info.apiKey,
          ...env,
        },
        timeout: 30_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const STRICT = `apiVersion: flowgate/v1
kind: Policy
metadata: { name: strict }
spec:
  scope: { pipelines: ["strict-*"] }
  rules:
    - { id: no-text, type: activity, deny: ["text.*"] }
    - { id: short-timeouts, type: timeout, maxStartToClose: 1m }
    - { id: few-retries, type: retry, maxAttempts: 3 }
    - { id: payments-approved, type: approval, tags: [payment] }
    - { id: small-maps, type: map, maxConcurrency: 5 }
`;

const violating = {
  apiVersion: 'flowgate/v1',
  kind: 'Pipeline',
  metadata: { name: 'strict-demo', version: 1 },
  spec: {
    steps: [
      { id: 'shout', uses: 'text.transform', with: { text: 'x', op: 'upper' } },
      {
        id: 'slow',
        uses: 'core.echo',
        with: {},
        timeout: { startToClose: '5m' },
        retry: { maxAttempts: 10 },
      },
      { id: 'pay', uses: 'core.echo', with: {}, tags: ['payment'] },
      {
        id: 'fan',
        map: { items: '${ [1,2,3] }', concurrency: 10, steps: [{ id: 'each', uses: 'core.echo', with: {} }] },
      },
    ],
  },
};

describe('policies through the gateway and the CLI', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startDevStack({ DATABASE_URL: db.url });
    pool = new Pool({ connectionString: db.url });
    dir = mkdtempSync(join(tmpdir(), 'flowgate-policy-'));
  });

  afterAll(async () => {
    await pool?.end();
    if (stack && stack.process.exitCode === null) await stack.stop();
    await db?.drop();
  });

  it('creates versions and lists them', async () => {
    const created = await postYaml('/policies', STRICT);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'strict',
      version: 1,
      mode: 'enforce',
      created: true,
    });
    expect((await postYaml('/policies', STRICT)).status).toBe(200);
    const bad = await postYaml('/policies', STRICT.replace('maxAttempts: 3', 'maxAttempts: -1'));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string; line: number }[] }).errors[0]).toMatchObject({
      path: 'spec.rules[2].maxAttempts',
      line: 9,
    });
    const list = (await (await api('/policies')).json()) as { items: { name: string; version: number }[] };
    expect(list.items.map((p) => `${p.name}@${p.version}`)).toEqual(['strict@1']);
    const one = (await (await api('/policies/strict')).json()) as { versions: number[] };
    expect(one.versions).toEqual([1]);
  });

  it('denies a run with 403 policy_denied listing every violated rule; nothing starts', async () => {
    const res = await api('/runs', {
      method: 'POST',
      body: JSON.stringify({ pipeline: violating, input: {} }),
    });
    expect(res.status).toBe(403);
    const problem = (await res.json()) as {
      code: string;
      errors: { policy: string; version: number; ruleId: string; reason: string; stepPath: string }[];
    };
    expect(problem.code).toBe('policy_denied');
    expect(problem.errors.map((e) => `${e.policy}@${e.version}/${e.ruleId}@${e.stepPath}`).sort()).toEqual([
      'strict@1/few-retries@slow',
      'strict@1/no-text@shout',
      'strict@1/payments-approved@pay',
      'strict@1/short-timeouts@slow',
      'strict@1/small-maps@fan',
    ]);
    const runs = await pool.query(`SELECT 1 FROM runs WHERE pipeline_name = 'strict-demo'`);
    expect(runs.rowCount).toBe(0);
    const audit = await pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'policy.deny' AND details->>'phase' = 'admission'`,
    );
    expect(audit.rows[0].n).toBe(5);
  });

  it('accepts a run under a warn-mode policy and returns the warnings; decisions are audited with the run id', async () => {
    const advisory = STRICT.replace('name: strict', 'name: advisory')
      .replace('spec:\n', 'spec:\n  mode: warn\n')
      .replace('strict-*', 'advise-*');
    expect((await postYaml('/policies', advisory)).status).toBe(201);
    const pipeline = { ...violating, metadata: { name: 'advise-demo', version: 1 } };
    const res = await api('/runs', { method: 'POST', body: JSON.stringify({ pipeline, input: {} }) });
    expect(res.status).toBe(201);
    const run = (await res.json()) as {
      id: string;
      warnings: { code: string; policy: string; ruleId: string }[];
    };
    expect(
      run.warnings
        .filter((w) => w.code === 'policy_warning')
        .map((w) => w.ruleId)
        .sort(),
    ).toEqual(['few-retries', 'no-text', 'payments-approved', 'short-timeouts', 'small-maps']);
    const audit = await pool.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE run_id = $1 AND action LIKE 'policy.%'`,
      [run.id],
    );
    expect(audit.rows.filter((r) => r.action === 'policy.warn')).toHaveLength(5);
  });

  it('enforces a concurrent-runs quota at admission', async () => {
    const quota = `apiVersion: flowgate/v1
kind: Policy
metadata: { name: quota }
spec:
  scope: { pipelines: ["quota-*"] }
  rules: [ { id: one-at-a-time, type: quota, maxConcurrentRuns: 1 } ]
`;
    expect((await postYaml('/policies', quota)).status).toBe(201);
    const waiting = {
      apiVersion: 'flowgate/v1',
      kind: 'Pipeline',
      metadata: { name: 'quota-demo', version: 1 },
      spec: { steps: [{ id: 'pause', wait: { duration: '5s' } }] },
    };
    // The quota counts every active run of the tenant: let the earlier ones finish.
    for (let i = 0; ; i++) {
      const active = await pool.query(`SELECT id FROM runs WHERE status IN ('running', 'waiting')`);
      if (active.rowCount === 0) break;
      if (i > 100)
        throw new Error(`runs still active: ${active.rows.map((r: { id: string }) => r.id).join(', ')}`);
      for (const r of active.rows as { id: string }[]) await api(`/runs/${r.id}`); // reconciles with Temporal
      await new Promise((r) => setTimeout(r, 200));
    }
    const first = await api('/runs', { method: 'POST', body: JSON.stringify({ pipeline: waiting }) });
    expect(first.status, await first.clone().text()).toBe(201);
    const second = await api('/runs', { method: 'POST', body: JSON.stringify({ pipeline: waiting }) });
    expect(second.status).toBe(403);
    expect(((await second.json()) as { errors: { reason: string }[] }).errors[0]!.reason).toMatch(
      /has 1 active runs \(maxConcurrentRuns 1\)/,
    );
  });

  it('dry-runs a candidate policy over POST /v1/policies/evaluate', async () => {
    const candidate = STRICT.replace('maxStartToClose: 1m', 'maxStartToClose: 10m');
    const res = await api('/policies/evaluate', {
      method: 'POST',
      body: JSON.stringify({ pipeline: violating, policy: candidate }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      allowed: boolean;
      denials: { ruleId: string }[];
      policies: { name: string; version: number }[];
    };
    expect(body.allowed).toBe(false);
    expect(body.policies).toEqual([expect.objectContaining({ name: 'strict', version: 2 })]);
    expect(body.denials.map((d) => d.ruleId).sort()).toEqual([
      'few-retries',
      'no-text',
      'payments-approved',
      'small-maps',
    ]);
    // Nothing was applied.
    expect(((await (await api('/policies/strict')).json()) as { versions: number[] }).versions).toEqual([1]);
  });

  it('flowgate policy apply | test: exit codes 0, 2 and 1', async () => {
    const policyFile = join(dir, 'policy.yaml');
    const pipelineFile = join(dir, 'pipeline.yaml');
    writeFileSync(policyFile, STRICT.replace('name: strict', 'name: from-cli'));
    writeFileSync(
      pipelineFile,
      `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: strict-cli, version: 1 }
spec:
  steps:
    - { id: shout, uses: text.transform, with: { text: x, op: upper } }
`,
    );
    const applied = await cli(['policy', 'apply', policyFile]);
    expect(applied).toMatchObject({ code: 0 });
    expect(applied.stdout).toContain('applied: policy from-cli version 1');
    const tested = await cli(['policy', 'test', policyFile, pipelineFile]);
    expect(tested.code).toBe(2);
    expect(tested.stdout).toContain(
      "DENY           from-cli@2 no-text [shout]: activity 'text.transform' matches deny pattern 'text.*'",
    );
    writeFileSync(
      policyFile,
      STRICT.replace('name: strict', 'name: from-cli').replace('deny: ["text.*"]', 'deny: ["shell.*"]'),
    );
    expect((await cli(['policy', 'test', policyFile, pipelineFile])).code).toBe(0);
    const down = await cli(['policy', 'test', policyFile, pipelineFile, '--url', 'http://127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach the Flowgate gateway at http://127.0.0.1:1/v1');
  });
});
