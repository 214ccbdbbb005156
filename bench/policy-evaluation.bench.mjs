#!/usr/bin/env node
// Policy evaluation benchmark (issue 6): in-process, pure evaluation (libs/policy), no I/O.
//
//   rule        p50/p99 of ONE rule evaluated over a 20-step plan at admission, per rule type
//   admission   p50/p99 of a realistic 8-rule policy over the whole 20-step plan (what the gateway does)
//   dispatch    p50/p99 of the same policy for one activity about to run (what the worker evaluates
//               before each activity; the PostgreSQL reservation is measured by policy-overhead.bench.mjs)
//
// Usage: node bench/policy-evaluation.bench.mjs [--iterations 20000]   (after `npx tsc -b`)
// Results: printed and written to bench/results/policy-evaluation.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { loadPipeline } = require('@flowgate/dsl');
const { parsePolicyText, evaluateAdmission, evaluateDispatch } = require('@flowgate/policy');

const args = process.argv.slice(2);
const ITERATIONS = args.includes('--iterations') ? Number(args[args.indexOf('--iterations') + 1]) : 20_000;
const WARMUP = 2_000;

const activities = ['http.request', 'notify.webhook', 'llm.chat', 'core.echo', 'text.transform'];
const catalog = new Map(activities.map((n) => [n, { name: n }]));

function twentyStepPlan() {
  const steps = [`    - { id: approve, approval: { approvers: { roles: [lead] } } }`];
  for (let i = 1; i <= 16; i++) {
    const k = i % 4;
    if (k === 0)
      steps.push(
        `    - { id: fetch${i}, uses: http.request, with: { url: "https://api.example.com/items/\${ input.id }" }, timeout: { startToClose: 30s } }`,
      );
    else if (k === 1)
      steps.push(
        `    - { id: chat${i}, uses: llm.chat, with: { prompt: "hello", maxTokens: 200 }, tags: [llm], retry: { maxAttempts: 3 } }`,
      );
    else if (k === 2) steps.push(`    - { id: echo${i}, uses: core.echo, with: { n: ${i} } }`);
    else steps.push(`    - { id: shape${i}, uses: text.transform, with: { text: "x", op: upper } }`);
  }
  steps.push(
    `    - id: fan\n      map:\n        items: "\${ input.items }"\n        concurrency: 5\n        steps: [ { id: each, uses: core.echo, with: { v: "\${ item }" } } ]`,
  );
  steps.push(`    - { id: notify, uses: notify.webhook, with: { url: "https://hooks.example.com/done" } }`);
  steps.push(`    - { id: done, set: { values: { ok: true } } }`);
  const r = loadPipeline(
    `apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: bench-twenty, version: 1, tags: [support] }\nspec:\n  steps:\n${steps.join('\n')}\n`,
    { catalog, format: 'yaml' },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 2));
  return r.plan;
}

const RULES = {
  activity: `{ id: known-activities, type: activity, allow: ["http.*", "llm.*", "core.*", "text.*", "notify.*"], deny: ["shell.*"] }`,
  egress: `{ id: egress, type: egress, allowHosts: ["*.example.com", "example.com"] }`,
  retry: `{ id: retries, type: retry, maxAttempts: 5, maxInterval: 5m }`,
  timeout: `{ id: timeouts, type: timeout, maxStartToClose: 10m }`,
  map: `{ id: maps, type: map, maxConcurrency: 20, maxItems: 1000 }`,
  approval: `{ id: llm-approval, type: approval, tags: [llm] }`,
  'activity+when': `{ id: prod-no-llm, type: activity, deny: ["llm.*"], when: "input.env = 'prod' and 'llm' in step.tags" }`,
  quota: `{ id: runs, type: quota, maxConcurrentRuns: 50 }`,
  budget: `{ id: run-cost, type: budget, metric: costUnits, perRun: 100, perTenant: { max: 10000, window: 1d }, reserve: 1 }`,
};

function policyOf(rules, name = 'bench') {
  const r = parsePolicyText(
    `apiVersion: flowgate/v1\nkind: Policy\nmetadata: { name: ${name} }\nspec:\n  rules:\n${rules.map((x) => `    - ${x}`).join('\n')}\n`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { name, version: 1, document: r.document };
}

async function measure(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    await fn();
    samples[i] = performance.now() - t;
  }
  samples.sort();
  const q = (p) => samples[Math.min(ITERATIONS - 1, Math.floor(p * ITERATIONS))] * 1000;
  return { p50us: +q(0.5).toFixed(1), p99us: +q(0.99).toFixed(1), maxUs: +q(1).toFixed(1) };
}

const plan = twentyStepPlan();
const input = { id: 'T-1', env: 'dev', items: [1, 2, 3] };
const now = Date.now();
const admissionCtx = { tenant: 'acme', plan, input, now };
const dispatchCtx = {
  tenant: 'acme',
  runId: 'bench-twenty-20260101-abcdefgh',
  pipeline: { name: 'bench-twenty', version: 1, tags: ['support'] },
  input,
  activity: 'http.request',
  stepPath: 'fetch4',
  args: { url: 'https://api.example.com/items/T-1' },
  attempt: 1,
  startToCloseMs: 30_000,
  now,
};

const result = {
  date: new Date().toISOString(),
  node: process.version,
  iterations: ITERATIONS,
  planSteps: 20,
  rule: {},
};
const fmt = (m) => `p50 ${m.p50us} µs, p99 ${m.p99us} µs`;
for (const [type, rule] of Object.entries(RULES)) {
  const p = [policyOf([rule])];
  result.rule[type] = await measure(() => evaluateAdmission(p, admissionCtx));
  process.stdout.write(`rule ${type.padEnd(14)} (20-step plan): ${fmt(result.rule[type])}\n`);
}
const realistic = [policyOf(Object.values(RULES))];
result.admission = await measure(() => evaluateAdmission(realistic, admissionCtx));
process.stdout.write(
  `admission, ${Object.keys(RULES).length} rules over the 20-step plan: ${fmt(result.admission)}\n`,
);
const one = [policyOf([RULES['activity+when']])];
const llmDispatch = {
  ...dispatchCtx,
  activity: 'llm.chat',
  stepPath: 'chat1',
  args: { prompt: 'x' },
  input: { ...input, env: 'prod' },
};
result.oneRuleOneStep = await measure(() => evaluateDispatch(one, llmDispatch));
process.stdout.write(
  `one rule with a JSONata condition on one activity (dispatch): ${fmt(result.oneRuleOneStep)}\n`,
);
result.dispatch = await measure(() => evaluateDispatch(realistic, dispatchCtx));
process.stdout.write(
  `dispatch, ${Object.keys(RULES).length} rules for one activity: ${fmt(result.dispatch)}\n`,
);
const worst = Math.max(...Object.values(result.rule).map((m) => m.p99us));
result.goal = { p99OneRuleUs: worst, under1ms: worst < 1000 };
process.stdout.write(
  `goal: p99 of one rule evaluation < 1 ms: worst p99 ${worst} µs → ${worst < 1000 ? 'met' : 'NOT met'}\n`,
);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'policy-evaluation.json'),
  `${JSON.stringify(result, null, 2)}\n`,
);
