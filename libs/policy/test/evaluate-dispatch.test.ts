import { describe, expect, it } from 'vitest';
import {
  chargeFor,
  claimDecisions,
  denials,
  describeDecision,
  evaluateDispatch,
  parsePolicyText,
  reportedUsage,
  type BudgetClaim,
  type DispatchContext,
} from '../src/index';
import { policy } from './policy-fixtures';

const NOW = Date.UTC(2026, 0, 1, 12, 30, 0);
const ctx = (over: Partial<DispatchContext> = {}): DispatchContext => ({
  tenant: 'acme',
  runId: 'demo-20260101-abcdefgh',
  pipeline: { name: 'demo', version: 1, tags: [] },
  input: {},
  activity: 'http.request',
  stepPath: 'fetch',
  args: { url: 'https://api.example.com/x' },
  attempt: 1,
  startToCloseMs: 30_000,
  now: NOW,
  ...over,
});

const P = policy(
  `apiVersion: flowgate/v1
kind: Policy
metadata: { name: live }
spec:
  rules:
    - { id: acts, type: activity, deny: ["shell.*"] }
    - { id: hosts, type: egress, allowHosts: ["*.example.com"] }
    - { id: retry, type: retry, maxAttempts: 3 }
    - { id: timeout, type: timeout, maxStartToClose: 1m }
    - { id: cost, type: budget, metric: costUnits, perRun: 10, perTenant: { max: 100, window: 1h }, reserve: 1 }
    - { id: tokens, type: budget, metric: tokens, activities: ["llm.*"], perRun: 5000, reserveFromArg: maxTokens, reserve: 100 }
`,
  7,
);

describe('dispatch evaluation (pure)', () => {
  it('checks the evaluated URL, attempt, timeout and activity of one dispatch', async () => {
    const ok = await evaluateDispatch([P], ctx());
    expect(denials(ok.decisions)).toEqual([]);
    const bad = await evaluateDispatch(
      [P],
      ctx({ args: { url: 'http://10.0.0.1/admin' }, attempt: 4, startToCloseMs: 120_000 }),
    );
    expect(denials(bad.decisions).map((d) => `${d.ruleId}: ${d.reason}`)).toEqual([
      "hosts: egress to host '10.0.0.1' is not allowed (allowed: *.example.com)",
      'retry: attempt 4 exceeds retry.maxAttempts 3',
      'timeout: timeout.startToClose 2m exceeds 1m',
    ]);
    expect(describeDecision(denials(bad.decisions)[1]!)).toBe(
      "policy 'live' v7 rule 'retry' at step 'fetch': attempt 4 exceeds retry.maxAttempts 3",
    );
  });

  it('turns budgets into claims keyed per run and per tenant window', async () => {
    const { claims } = await evaluateDispatch(
      [P],
      ctx({ activity: 'llm.chat', args: { prompt: 'x', maxTokens: 700 } }),
    );
    const c = claims as BudgetClaim[];
    expect(c.map((x) => [x.key, x.windowStartMs, x.limit, x.amount])).toEqual([
      ['run:demo-20260101-abcdefgh:live:cost', 0, 10, 1],
      ['tenant:acme:live:cost', Date.UTC(2026, 0, 1, 12), 100, 1],
      ['run:demo-20260101-abcdefgh:live:tokens', 0, 5000, 700],
    ]);
    const ds = claimDecisions(c, [
      { ok: true, used: 3, reserved: 1 },
      { ok: true, used: 0, reserved: 0 },
      { ok: false, used: 4500, reserved: 0 },
    ]);
    expect(ds.map((d) => d.effect)).toEqual(['allow', 'allow', 'deny']);
    expect(ds[2]!.reason).toBe(
      'per-run tokens budget exhausted: used 4500 + reserved 0 + 700 requested exceeds 5000',
    );
  });

  it('charges reported usage, else the reservation; failed attempts are free', () => {
    const claim = { metric: 'tokens', amount: 100 } as BudgetClaim;
    expect(reportedUsage('tokens', { usage: { totalTokens: 42 } })).toBe(42);
    expect(reportedUsage('costUnits', { costUnits: 2.5 })).toBe(2.5);
    expect(chargeFor(claim, true, { usage: { totalTokens: 42 } })).toBe(42);
    expect(chargeFor(claim, true, { text: 'no usage' })).toBe(100);
    expect(chargeFor(claim, false)).toBe(0);
  });

  it('conditions see pipeline, step, tenant and input; evaluated only where a rule would deny; a failing one denies', async () => {
    const p = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: cond }
spec:
  rules:
    - { id: prod-only, type: activity, deny: ["http.*"], when: "input.env = 'prod' and tenant = 'acme' and step.with.url ~> /example/" }
    - { id: broken, type: activity, deny: ["http.*"], when: "$error('boom')" }
    - { id: lazy, type: activity, deny: ["shell.*"], when: "$error('never evaluated: nothing to deny')" }
`);
    const prod = await evaluateDispatch([p], ctx({ input: { env: 'prod' } }));
    expect(denials(prod.decisions).map((d) => d.ruleId)).toEqual(['prod-only', 'broken']);
    expect(denials(prod.decisions)[1]!.reason).toBe('condition failed: boom');
    const dev = await evaluateDispatch([p], ctx({ input: { env: 'dev' } }));
    expect(denials(dev.decisions).map((d) => d.ruleId)).toEqual(['broken']);
  });

  it('disabled policies and out-of-scope tenants are skipped', async () => {
    const off = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: off }
spec: { enabled: false, rules: [ { id: r, type: activity, deny: ["*"] } ] }
`);
    const other = policy(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: other }
spec: { scope: { tenants: ["globex"] }, rules: [ { id: r, type: activity, deny: ["*"] } ] }
`);
    expect((await evaluateDispatch([off, other], ctx())).decisions).toEqual([]);
  });
});

describe('policy documents', () => {
  it('reports every problem with its path and line', () => {
    const r = parsePolicyText(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: Bad_Name }
spec:
  mode: strict
  rules:
    - { id: a, type: activity }
    - { id: a, type: budget, metric: dollars, perRun: 1 }
    - { id: c, type: teleport }
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.path}@${p.line ?? '-'}`)).toEqual(
      expect.arrayContaining([
        'metadata.name@3',
        'spec.mode@5',
        'spec.rules[1].metric@8',
        'spec.rules[2].type@9',
      ]),
    );
  });

  it('rejects invalid JSONata in when, and digests ignore the version', () => {
    const bad = parsePolicyText(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: p }
spec: { rules: [ { id: a, type: activity, deny: [x], when: "(((" } ] }
`);
    expect(!bad.ok && bad.problems[0]!.code).toBe('invalid-expression');
    const a = parsePolicyText(
      `{"apiVersion":"flowgate/v1","kind":"Policy","metadata":{"name":"p","version":1},"spec":{"rules":[{"id":"a","type":"activity","deny":["x"]}]}}`,
      'json',
    );
    const b = parsePolicyText(`apiVersion: flowgate/v1
kind: Policy
metadata: { name: p, version: 2 }
spec: { mode: enforce, rules: [ { id: a, type: activity, deny: [x] } ] }
`);
    expect(a.ok && b.ok && a.digest === b.digest).toBe(true);
  });
});
