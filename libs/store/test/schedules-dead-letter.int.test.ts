import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from 'pg';
import { createPool, DeadLetterRepository, RunsRepository, SchedulesRepository } from '../src';

let pool: Pool;
beforeAll(() => {
  pool = createPool(inject('databaseUrl'));
});
afterAll(async () => {
  await pool.end();
});

describe('pipeline schedules registry', () => {
  const row = (version: number) => ({
    scheduleId: 'flowgate:t-sched:p',
    tenant: 't-sched',
    pipeline: 'p',
    version,
    cron: '@every 1s',
    timezone: 'UTC',
    overlap: 'skip',
    input: { n: version },
    updatedBy: 'me',
  });

  it('keeps the newest version: an older upsert or remove changes nothing', async () => {
    const repo = new SchedulesRepository(pool);
    expect((await repo.upsert(row(2)))?.version).toBe(2);
    expect(await repo.upsert(row(1))).toBeUndefined();
    expect(await repo.remove('t-sched', 'p', 1)).toBeUndefined();
    expect((await repo.get('t-sched', 'p'))?.input).toEqual({ n: 2 });
    expect((await repo.get('t-sched', 'flowgate:t-sched:p'))?.version).toBe(2);
    expect(await repo.get('other', 'p')).toBeUndefined();
    expect((await repo.upsert(row(3)))?.version).toBe(3);
    expect((await repo.remove('t-sched', 'p', 3))?.version).toBe(3);
    expect(await repo.list('t-sched')).toEqual([]);
  });
});

describe('dead-letter view', () => {
  it('pages failed runs, most recently failed first, with the failed step and reruns', async () => {
    const runs = new RunsRepository(pool);
    const make = async (id: string, retryOf?: string) =>
      runs.create({
        id,
        tenant: 't-dl',
        pipelineName: 'p',
        pipelineVersion: 1,
        digest: 'd',
        input: {},
        tags: [],
        submittedBy: 'me',
        ...(retryOf ? { retryOf } : {}),
      });
    for (const id of ['dl-a', 'dl-b', 'dl-c']) await make(id);
    await runs.updateStatus('dl-a', 'failed', { error: { type: 'E', message: 'a' } });
    await runs.updateStatus('dl-c', 'failed', { error: { type: 'E', message: 'c' } });
    await runs.updateStatus('dl-b', 'succeeded', { output: {} });
    await pool.query(
      `INSERT INTO step_runs (run_id, path, step_id, kind, status, attempts, finished_at, error)
       VALUES ('dl-a', 'fetch', 'fetch', 'uses', 'succeeded', 1, now(), NULL),
              ('dl-a', 'save', 'save', 'uses', 'failed', 3, now(), '{"type":"Boom","message":"no"}')`,
    );
    await make('dl-a2', 'dl-a');

    const repo = new DeadLetterRepository(pool);
    const first = await repo.page('t-dl', {}, { limit: 1 });
    expect(first.entries.map((e) => e.runId)).toEqual(['dl-c']);
    expect(first.entries[0]!.failedStep).toBeNull();
    const second = await repo.page('t-dl', {}, { limit: 1, after: first.next! });
    expect(second.entries[0]).toMatchObject({
      runId: 'dl-a',
      failedStep: { path: 'save', attempts: 3, error: { type: 'Boom', message: 'no' } },
      rerunBy: ['dl-a2'],
    });
    expect(second.next).toBeUndefined();
    expect((await repo.page('t-dl', { rerun: false }, { limit: 10 })).entries.map((e) => e.runId)).toEqual([
      'dl-c',
    ]);
    expect((await repo.page('other', {}, { limit: 10 })).entries).toEqual([]);
  });
});
