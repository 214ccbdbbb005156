import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  PoliciesRepository,
  PolicyAuditRepository,
  QuotasRepository,
  RunsRepository,
  type BudgetRequest,
} from '../src/index';

let pool: Pool;
let quotas: QuotasRepository;

beforeAll(() => {
  pool = new Pool({ connectionString: inject('databaseUrl'), max: 20 });
  quotas = new QuotasRepository(pool);
});
afterAll(async () => {
  await pool?.end();
});

const request = (key: string, over: Partial<BudgetRequest> = {}): BudgetRequest => ({
  key,
  windowStart: new Date(0),
  tenant: 't',
  limit: 10,
  amount: 1,
  enforce: true,
  ...over,
});
const later = () => new Date(Date.now() + 60_000);

describe('budget reservations (PostgreSQL)', () => {
  it('50 concurrent reservations against a budget of 10: exactly 10 granted; settlement charges usage', async () => {
    const key = `run:${randomUUID()}:p:cost`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => quotas.reserve([request(key)], later())),
    );
    const granted = results.filter((r) => r.ok);
    expect(granted).toHaveLength(10);
    expect((await quotas.budgets([key]))[0]).toMatchObject({ used: 0, reserved: 10 });
    await quotas.settle(granted.map((r) => ({ reservationId: r.outcomes[0]!.reservationId!, charge: 0.5 })));
    expect((await quotas.budgets([key]))[0]).toMatchObject({ used: 5, reserved: 0 });
    // Settling twice changes nothing.
    await quotas.settle(granted.map((r) => ({ reservationId: r.outcomes[0]!.reservationId!, charge: 0.5 })));
    expect((await quotas.budgets([key]))[0]).toMatchObject({ used: 5, reserved: 0 });
  });

  it('is all or nothing across keys; non-enforcing requests reserve and report', async () => {
    const a = `run:${randomUUID()}:p:a`;
    const b = `tenant:${randomUUID()}:p:b`;
    const first = await quotas.reserve(
      [request(a, { amount: 4 }), request(b, { amount: 4, limit: 5 })],
      later(),
    );
    expect(first.ok).toBe(true);
    const second = await quotas.reserve(
      [request(a, { amount: 4 }), request(b, { amount: 4, limit: 5 })],
      later(),
    );
    expect(second.ok).toBe(false);
    expect(second.outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect((await quotas.budgets([a, b])).map((r) => r.reserved)).toEqual([4, 4]);
    const soft = await quotas.reserve([request(b, { amount: 4, limit: 5, enforce: false })], later());
    expect(soft).toMatchObject({ ok: true, outcomes: [{ ok: false, used: 0, reserved: 4 }] });
  });

  it('amount 0 checks only that the budget is not exhausted; expired reservations are released', async () => {
    const key = `run:${randomUUID()}:p:tokens`;
    const r = await quotas.reserve([request(key, { amount: 10 })], new Date(Date.now() - 1000));
    expect(r.ok).toBe(true);
    // The first reservation has already expired: it is released before the next check.
    expect((await quotas.reserve([request(key, { amount: 0 })], later())).ok).toBe(true);
    await quotas.settle([{ reservationId: r.outcomes[0]!.reservationId!, charge: 12 }]);
    expect((await quotas.budgets([key]))[0]).toMatchObject({ used: 12, reserved: 0 });
    expect((await quotas.reserve([request(key, { amount: 0 })], later())).ok).toBe(false);
  });
});

describe('run quotas (PostgreSQL)', () => {
  it('concurrent admissions never exceed maxConcurrentRuns; runs per window count recent starts', async () => {
    const tenant = `quota-${randomUUID().slice(0, 8)}`;
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        quotas.admitRun(tenant, `r-${tenant}-${i}`, [{ maxConcurrentRuns: 3, enforce: true }]),
      ),
    );
    expect(outcomes.filter((o) => o[0]!.ok)).toHaveLength(3);
    const runs = new RunsRepository(pool);
    await runs.create({
      id: `done-${tenant}`,
      tenant,
      pipelineName: 'p',
      pipelineVersion: 1,
      digest: 'd',
      input: {},
      tags: [],
      submittedBy: 't',
    });
    await runs.updateStatus(`done-${tenant}`, 'succeeded');
    const win = await quotas.admitRun(
      tenant,
      undefined,
      [{ runsPerWindow: { max: 4, windowMs: 60_000 }, enforce: true }],
      false,
    );
    expect(win[0]).toMatchObject({ ok: false, failed: 'window', inWindow: 4, active: 3 });
  });
});

describe('policy versions', () => {
  it('assigns versions, detects identical content and conflicts, lists the latest of each', async () => {
    const repo = new PoliciesRepository(pool);
    const tenant = `pol-${randomUUID().slice(0, 8)}`;
    const base = {
      tenant,
      name: 'p',
      source: 's',
      format: 'yaml' as const,
      mode: 'enforce',
      enabled: true,
      createdBy: 't',
      document: (v: number) => ({ v }),
    };
    expect(await repo.insert({ ...base, digest: 'a' })).toMatchObject({
      outcome: 'created',
      record: { version: 1 },
    });
    expect(await repo.insert({ ...base, digest: 'a' })).toMatchObject({
      outcome: 'exists',
      record: { version: 1 },
    });
    expect(await repo.insert({ ...base, digest: 'b' })).toMatchObject({
      outcome: 'created',
      record: { version: 2, document: { v: 2 } },
    });
    expect(await repo.insert({ ...base, digest: 'c', version: 2 })).toMatchObject({ outcome: 'conflict' });
    expect(await repo.insert({ ...base, digest: 'c', version: 7 })).toMatchObject({
      outcome: 'created',
      record: { version: 7 },
    });
    await repo.insert({ ...base, name: 'q', digest: 'x' });
    expect((await repo.latest(tenant)).map((r) => `${r.name}@${r.version}`)).toEqual(['p@7', 'q@1']);
    await new PolicyAuditRepository(pool).appendMany([
      { tenant, runId: 'r1', actor: 'w', action: 'policy.deny', details: { ruleId: 'x' } },
      { tenant, actor: 'w', action: 'policy.allow', details: {} },
    ]);
    const rows = await pool.query(
      'SELECT action, run_id, details FROM audit_events WHERE tenant = $1 ORDER BY id',
      [tenant],
    );
    expect(rows.rows).toEqual([
      { action: 'policy.deny', run_id: 'r1', details: { ruleId: 'x' } },
      { action: 'policy.allow', run_id: null, details: {} },
    ]);
  });
});
