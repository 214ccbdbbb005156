import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'pg';
import { createPool, migrate, PipelinesRepository, RunsRepository } from '../src';

let pool: Pool;

beforeAll(() => {
  pool = createPool(inject('databaseUrl'));
});
afterAll(async () => {
  await pool.end();
});

describe('migrations', () => {
  it('are safe to re-run, also concurrently', async () => {
    const results = await Promise.all([migrate(inject('databaseUrl')), migrate(inject('databaseUrl'))]);
    expect(results).toEqual([[], []]);
    const tables = await pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual(
      expect.arrayContaining(['api_keys', 'attempts', 'audit_events', 'pipelines', 'runs', 'step_runs']),
    );
  });
});

describe('pipelines registry', () => {
  const version = {
    tenant: 't-reg',
    name: 'p',
    version: 1,
    document: {},
    source: 'x',
    format: 'yaml' as const,
    plan: {},
    tags: [],
    createdBy: 'me',
  };

  it('creates, then reports unchanged for the same digest and conflict for another', async () => {
    expect((await new PipelinesRepository(pool).insert({ ...version, digest: 'aaa' })).outcome).toBe(
      'created',
    );
    expect((await new PipelinesRepository(pool).insert({ ...version, digest: 'aaa' })).outcome).toBe(
      'unchanged',
    );
    expect((await new PipelinesRepository(pool).insert({ ...version, digest: 'bbb' })).outcome).toBe(
      'conflict',
    );
    expect((await new PipelinesRepository(pool).latest('t-reg', 'p'))?.digest).toBe('aaa');
    expect(await new PipelinesRepository(pool).latest('other-tenant', 'p')).toBeUndefined();
  });
});

describe('runs projection', () => {
  const run = (id: string, key?: string) => ({
    id,
    tenant: 't-runs',
    pipelineName: 'p',
    pipelineVersion: 1,
    digest: 'd',
    input: { a: 1 },
    tags: [],
    idempotencyKey: key,
    requestHash: 'h',
    submittedBy: 'me',
  });

  it('returns the existing run for a repeated idempotency key, even under concurrency', async () => {
    const repo = new RunsRepository(pool);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => repo.create(run(`r-${i}`, 'same-key'))),
    );
    const created = outcomes.filter((o) => o.outcome === 'created');
    expect(created).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.run.id))).toEqual(new Set([created[0]!.run.id]));
  });

  it('never lets a late update overwrite a terminal status', async () => {
    const repo = new RunsRepository(pool);
    await repo.create(run('r-terminal'));
    expect(
      (await repo.updateStatus('r-terminal', 'succeeded', { output: { ok: true } }))?.finishedAt,
    ).toBeInstanceOf(Date);
    expect(await repo.updateStatus('r-terminal', 'running')).toBeUndefined();
    expect((await repo.get('t-runs', 'r-terminal'))?.status).toBe('succeeded');
    expect(await repo.get('another-tenant', 'r-terminal')).toBeUndefined();
  });
});
