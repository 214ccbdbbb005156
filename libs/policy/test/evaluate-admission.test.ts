import { describe, expect, it } from 'vitest';
import { claimDecisions, denials, evaluateAdmission, warnings, type PolicyDecision } from '../src/index';
import { plan, policy, REALISTIC_POLICY, twentyStepYaml } from './policy-fixtures';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const admit = (p: ReturnType<typeof policy>[], pl: ReturnType<typeof plan>, input: unknown = {}) =>
  evaluateAdmission(p, { tenant: 'acme', plan: pl, input: input as never, now: NOW });

const pipe = (steps: string, extra = '') => `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: demo, version: 1${extra} }
spec:
  steps:
${steps}
`;

const byRule = (ds: PolicyDecision[], ruleId: string) => ds.filter((d) => d.ruleId === ruleId);

describe('admission evaluation (pure)', () => {
  it('activity allow/deny with globs, nested and child-plan steps included', async () => {
    const child = plan(
      pipe(`    - { id: sh, uses: shell.exec, with: { cmd: ls } }`).replace('name: demo', 'name: child'),
    );
    const parent = plan(
      pipe(`    - { id: a, uses: core.echo, with: {} }
    - id: par
      parallel:
        branches:
          - [ { id: b, uses: shell.exec, with: { cmd: rm } } ]
          - [ { id: c, uses: sql.query, with: { query: x } } ]
    - { id: sub, pipeline: { name: child, version: 1 } }`),
      new Map([['child@1', child]]),
    );
    const p = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: acts }
spec:
  rules:
    - { id: no-shell, type: activity, deny: ["shell.*"] }
    - { id: only, type: activity, allow: ["core.*", "shell.*"] }
`);
    const { decisions } = await admit([p], parent);
    const deny = denials(decisions);
    expect(deny.map((d) => `${d.ruleId}@${d.stepPath}`).sort()).toEqual([
      'no-shell@par/branch[0]/b',
      'no-shell@sub/sh',
      'only@par/branch[1]/c',
    ]);
    expect(deny[0]).toMatchObject({
      policy: 'acts',
      policyVersion: 1,
      effect: 'deny',
      ruleType: 'activity',
      mode: 'enforce',
    });
    expect(byRule(decisions, 'no-shell').find((d) => d.stepPath === 'sub/sh')!.reason).toBe(
      "activity 'shell.exec' matches deny pattern 'shell.*'",
    );
  });

  it('egress: literal URLs, static hosts in templates, dynamic URLs deferred or denied', async () => {
    const pl = plan(
      pipe(`    - { id: ok, uses: http.request, with: { url: "https://api.example.com/x" } }
    - { id: bad, uses: http.request, with: { url: "https://evil.test/x" } }
    - { id: tmpl, uses: http.request, with: { url: "https://api.example.com/\${ input.id }" } }
    - { id: dyn, uses: notify.webhook, with: { url: "\${ input.hook }" } }
    - { id: other, uses: core.echo, with: { url: "https://evil.test" } }`),
    );
    const mk = (dyn: string) =>
      policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: egress }
spec:
  rules: [ { id: hosts, type: egress, allowHosts: ["*.example.com"], dynamicUrls: ${dyn} } ]
`);
    let deny = denials((await admit([mk('defer')], pl)).decisions);
    expect(deny.map((d) => d.stepPath)).toEqual(['bad']);
    expect(deny[0]!.reason).toContain("host 'evil.test' is not allowed");
    deny = denials((await admit([mk('deny')], pl)).decisions);
    expect(deny.map((d) => d.stepPath)).toEqual(['bad', 'dyn']);
  });

  it('retry and timeout bounds', async () => {
    const pl = plan(
      pipe(`    - { id: a, uses: core.echo, with: {}, retry: { maxAttempts: 10, maxInterval: 1h }, timeout: { startToClose: 20m } }
    - { id: b, uses: core.echo, with: {}, retry: { maxAttempts: 2 }, timeout: { startToClose: 1m, scheduleToClose: 5m } }`),
    );
    const p = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: bounds }
spec:
  rules:
    - { id: retry, type: retry, maxAttempts: 5, maxInterval: 5m }
    - { id: timeout, type: timeout, maxStartToClose: 10m, requireScheduleToClose: true }
`);
    const deny = denials((await admit([p], pl)).decisions);
    expect(deny.map((d) => `${d.ruleId}@${d.stepPath}: ${d.reason}`)).toEqual([
      'retry@a: retry.maxAttempts 10 exceeds 5; retry.maxInterval 1h exceeds 5m',
      'timeout@a: timeout.startToClose 20m exceeds 10m; timeout.scheduleToClose is required',
    ]);
  });

  it('map concurrency statically and item count from the run input', async () => {
    const pl = plan(
      pipe(`    - id: m
      map:
        items: "\${ input.items }"
        concurrency: 50
        steps: [ { id: e, uses: core.echo, with: {} } ]`),
    );
    const p = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: maps }
spec:
  rules: [ { id: m, type: map, maxConcurrency: 10, maxItems: 3 } ]
`);
    const deny = denials((await admit([p], pl, { items: [1, 2, 3, 4] })).decisions);
    expect(deny[0]!.reason).toBe('map concurrency 50 exceeds 10; map has 4 items, more than 3');
  });

  it('approval required upstream: needs chain, enclosing steps, not conditional approvals', async () => {
    const pl = plan(
      pipe(`    - { id: gate, approval: { approvers: { roles: [lead] } } }
    - { id: pay, uses: http.request, with: { url: "https://pay.example.com" }, tags: [payment] }
    - { id: maybe, approval: { approvers: { roles: [lead] } }, when: "\${ input.x }", needs: [] }
    - { id: pay2, uses: http.request, with: { url: "https://pay.example.com" }, tags: [payment], needs: [maybe] }
    - id: par
      needs: [gate]
      parallel:
        branches:
          - [ { id: pay3, uses: core.echo, with: {}, tags: [payment] } ]`),
    );
    const p = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: approvals }
spec:
  rules: [ { id: pay-approval, type: approval, tags: [payment] } ]
`);
    const deny = denials((await admit([p], pl)).decisions);
    expect(deny.map((d) => d.stepPath)).toEqual(['pay2']);
  });

  it('warn and dry-run modes never block; when conditions select steps', async () => {
    const pl = plan(
      pipe(`    - { id: a, uses: shell.exec, with: {}, tags: [x] }
    - { id: b, uses: shell.exec, with: {} }`),
    );
    const mk = (mode: string) =>
      policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: p-${mode} }
spec:
  mode: ${mode}
  rules: [ { id: r, type: activity, deny: ["shell.*"], when: "'x' in step.tags" } ]
`);
    const { decisions } = await admit([mk('warn'), mk('dry-run')], pl);
    expect(denials(decisions)).toEqual([]);
    expect(warnings(decisions).map((d) => `${d.policy}:${d.stepPath}`)).toEqual(['p-warn:a']);
    expect(decisions.find((d) => d.policy === 'p-dry-run')).toMatchObject({
      effect: 'deny',
      mode: 'dry-run',
      stepPath: 'a',
    });
  });

  it('scope by pipeline glob and tags', async () => {
    const pl = plan(pipe(`    - { id: a, uses: shell.exec, with: {} }`, ', tags: [batch]'));
    const mk = (scope: string) =>
      policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: s }
spec:
  scope: ${scope}
  rules: [ { id: r, type: activity, deny: ["shell.*"] } ]
`);
    expect((await admit([mk('{ pipelines: ["de*"] }')], pl)).decisions).toHaveLength(1);
    expect((await admit([mk('{ pipelines: ["other"] }')], pl)).decisions).toHaveLength(0);
    expect((await admit([mk('{ tags: [batch] }')], pl)).decisions).toHaveLength(1);
    expect((await admit([mk('{ tenants: [globex] }')], pl)).decisions).toHaveLength(0);
  });

  it('quotas and tenant budgets become claims; outcomes become decisions', async () => {
    const pl = plan(pipe(`    - { id: a, uses: llm.chat, with: { prompt: x } }`));
    const p = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: limits }
spec:
  rules:
    - { id: runs, type: quota, maxConcurrentRuns: 2, runsPerWindow: { max: 100, window: 1h } }
    - { id: tokens, type: budget, metric: tokens, perTenant: { max: 1000, window: 1d }, activities: ["llm.*"] }
`);
    const { claims } = await admit([p], pl);
    expect(claims).toEqual([
      expect.objectContaining({
        kind: 'runs',
        maxConcurrentRuns: 2,
        runsPerWindow: { max: 100, windowMs: 3_600_000 },
      }),
      expect.objectContaining({
        kind: 'budget',
        key: 'tenant:acme:limits:tokens',
        checkOnly: true,
        windowStartMs: Date.UTC(2026, 0, 1),
        limit: 1000,
      }),
    ]);
    const ds = claimDecisions(claims, [
      { ok: false, used: 2, reserved: 5, failed: 'concurrent' },
      { ok: false, used: 1000, reserved: 0 },
    ]);
    expect(ds.map((d) => `${d.effect} ${d.ruleId}: ${d.reason}`)).toEqual([
      "deny runs: tenant 'acme' has 2 active runs (maxConcurrentRuns 2)",
      'deny tokens: per-tenant tokens budget (window 1d) exhausted: used 1000 + reserved 0 of 1000',
    ]);
  });

  it('a realistic policy over a 20-step plan: several rules violated at once', async () => {
    const pl = plan(twentyStepYaml());
    const { decisions } = await admit([policy(REALISTIC_POLICY)], pl, { id: 'x', items: [1, 2] });
    expect(denials(decisions)).toEqual([]);
    const bad = plan(
      twentyStepYaml()
        .replace('https://hooks.example.com/done', 'https://hooks.evil.test/done')
        .replace('concurrency: 5', 'concurrency: 50')
        .replace('{ id: echo2, uses: core.echo', '{ id: echo2, uses: shell.exec'),
    );
    const deny = denials((await admit([policy(REALISTIC_POLICY)], bad, { id: 'x', items: [] })).decisions);
    expect(deny.map((d) => d.ruleId).sort()).toEqual(['egress', 'known-activities', 'maps', 'no-shell']);
  });
});
