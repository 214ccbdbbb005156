import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from 'pg';
import { createPool, RunsRepository, type NewRun } from '@flowgate/store';
import { countStatements, requestStatements } from '../src/infra/sql-statement-counter';
import { RunWritesBatcher } from '../src/runs/run-writes.batcher';

let pool: Pool;

beforeAll(() => {
  pool = countStatements(createPool(inject('databaseUrl')));
});

/** Runs `fn` and returns how many statements it sent. */
async function counted(fn: () => Promise<unknown>): Promise<number> {
  const store = { count: 0 };
  await requestStatements.run(store, fn);
  return store.count;
}
afterAll(async () => {
  await pool.end();
});

const run = (id: string, extra: Partial<NewRun> = {}): NewRun => ({
  id,
  tenant: 't-batch',
  pipelineName: 'p',
  pipelineVersion: 1,
  digest: 'd',
  input: { id },
  tags: [],
  submittedBy: 'me',
  ...extra,
});

describe('RunWritesBatcher (group commit of run submissions)', () => {
  it('writes concurrent submissions, rows and audit events, in one statement', async () => {
    const batcher = new RunWritesBatcher(new RunsRepository(pool));
    const ids = Array.from({ length: 40 }, (_, i) => `gb-${i}`);
    let outcomes: Awaited<ReturnType<RunWritesBatcher['create']>>[] = [];
    expect(
      await counted(async () => {
        outcomes = await Promise.all(
          ids.map((id) => batcher.create(run(id, { audit: { action: 'run.started' } }))),
        );
      }),
    ).toBe(1);
    expect(outcomes.map((o) => [o.outcome, o.run.id])).toEqual(ids.map((id) => ['created', id]));
    const rows = await pool.query<{ id: string; audits: string }>(
      `SELECT r.id, (SELECT count(*) FROM audit_events a WHERE a.run_id = r.id AND a.action = 'run.started') AS audits
         FROM runs r WHERE r.id = ANY($1) ORDER BY r.id`,
      [ids],
    );
    expect(rows.rows).toHaveLength(40);
    for (const r of rows.rows) expect(Number(r.audits)).toBe(1);
  });

  it('a bad row fails only its own submission', async () => {
    const batcher = new RunWritesBatcher(new RunsRepository(pool));
    const results = await Promise.allSettled([
      batcher.create(run('gb-ok-1')),
      // A rerun of a run that does not exist: the foreign key refuses it.
      batcher.create(run('gb-bad', { retryOf: 'no-such-run' })),
      batcher.create(run('gb-ok-2', { idempotencyKey: 'k1', requestHash: 'h' })),
      batcher.create(run('gb-ok-3', { idempotencyKey: 'k1', requestHash: 'h' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const value = (i: number) =>
      (results[i] as PromiseFulfilledResult<{ outcome: string; run: { id: string } }>).value;
    expect([value(0).outcome, value(2).outcome, value(3).outcome]).toEqual(['created', 'created', 'exists']);
    expect(value(3).run.id).toBe('gb-ok-2');
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/foreign key/);
    const left = await pool.query("SELECT id FROM runs WHERE id LIKE 'gb-%-%' OR id = 'gb-bad' ORDER BY id");
    expect(left.rows.map((r: { id: string }) => r.id).filter((id: string) => !/^gb-\d+$/.test(id))).toEqual([
      'gb-ok-1',
      'gb-ok-2',
    ]);
  });
});
