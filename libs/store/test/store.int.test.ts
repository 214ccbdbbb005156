import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'pg';
import {
  createPool,
  migrate,
  PipelinesRepository,
  RunsRepository,
  RunTreeRepository,
  type RunTreeRun,
} from '../src';

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
  const treeRun = (id: string, status: string): RunTreeRun => ({
    runId: id,
    tenant: 't-runs',
    status,
    pipeline: { name: 'p', version: 1, digest: 'd', tags: [] },
    submittedBy: 'me',
  });
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

  it('creates many runs in one statement: outcomes in order, repeated keys resolved to the first', async () => {
    const repo = new RunsRepository(pool);
    await repo.create(run('m-earlier', 'taken-key'));
    const outcomes = await repo.createMany([
      { ...run('m-1'), input: null, tags: ['a', 'b'] },
      run('m-2', 'batch-key'),
      run('m-3', 'batch-key'),
      run('m-4', 'taken-key'),
      run('m-5'),
    ]);
    expect(outcomes.map((o) => [o.outcome, o.run.id])).toEqual([
      ['created', 'm-1'],
      ['created', 'm-2'],
      ['exists', 'm-2'],
      ['exists', 'm-earlier'],
      ['created', 'm-5'],
    ]);
    const first = await repo.get('t-runs', 'm-1');
    expect(first).toMatchObject({ input: null, tags: ['a', 'b'], status: 'running', temporalRunId: null });
    expect(await repo.get('t-runs', 'm-3')).toBeUndefined();
    await expect(repo.createMany([run('m-5')])).rejects.toThrow("run id 'm-5' is already in use");
  });

  it('writes the audit event of each created run in the same statement, none for a repeated key', async () => {
    const repo = new RunsRepository(pool);
    await repo.createMany([
      { ...run('s-1'), audit: { action: 'run.started' } },
      {
        ...run('s-2', 'audited-key'),
        audit: { action: 'run.started', subject: 'p@1', details: { retryOf: 'x' } },
      },
      { ...run('s-3', 'audited-key'), audit: { action: 'run.started' } },
      run('s-4'),
    ]);
    const audit = await pool.query<{
      run_id: string;
      tenant: string;
      actor: string;
      subject: string | null;
      details: unknown;
    }>(
      "SELECT run_id, tenant, actor, subject, details FROM audit_events WHERE run_id LIKE 's-_' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { run_id: 's-1', tenant: 't-runs', actor: 'me', subject: null, details: {} },
      { run_id: 's-2', tenant: 't-runs', actor: 'me', subject: 'p@1', details: { retryOf: 'x' } },
    ]);
  });

  it('deletes an unstarted run with its submission audit event, and never a reported one', async () => {
    const repo = new RunsRepository(pool);
    const trees = new RunTreeRepository(pool);
    await repo.createMany([
      { ...run('u-1'), audit: { action: 'run.started' } },
      { ...run('u-2'), audit: { action: 'run.started' } },
    ]);
    await trees.upsertRuns([{ ...treeRun('u-2', 'running'), temporalRunId: 'tr-u-2' }]);
    await repo.deleteUnstarted('u-1', 'run.started');
    await repo.deleteUnstarted('u-2', 'run.started');
    expect(await repo.get('t-runs', 'u-1')).toBeUndefined();
    expect((await repo.get('t-runs', 'u-2'))?.temporalRunId).toBe('tr-u-2');
    const audit = await pool.query<{ run_id: string }>(
      "SELECT run_id FROM audit_events WHERE run_id IN ('u-1', 'u-2') ORDER BY id",
    );
    expect(audit.rows).toEqual([{ run_id: 'u-2' }]);
  });

  it('records the Temporal run id from the first report that has one, and never moves a run back', async () => {
    const repo = new RunsRepository(pool);
    const trees = new RunTreeRepository(pool);
    await repo.create(run('t-1'));
    // A report from another workflow (a parent reporting its child) carries no run id.
    await trees.upsertRuns([treeRun('t-1', 'running')]);
    expect((await repo.get('t-runs', 't-1'))?.temporalRunId).toBeNull();
    await trees.upsertRuns([{ ...treeRun('t-1', 'running'), temporalRunId: 'first' }]);
    await trees.upsertRuns([
      { ...treeRun('t-1', 'succeeded'), output: { ok: true }, temporalRunId: 'second' },
    ]);
    expect(await repo.get('t-runs', 't-1')).toMatchObject({
      status: 'succeeded',
      temporalRunId: 'first',
      output: { ok: true },
    });
    // A late non-terminal report cannot move the finished run back, even for a run without an id yet.
    await repo.create(run('t-2'));
    await trees.upsertRuns([{ ...treeRun('t-2', 'failed'), error: { message: 'boom' } }]);
    await trees.upsertRuns([{ ...treeRun('t-2', 'running'), temporalRunId: 'late' }]);
    expect(await repo.get('t-runs', 't-2')).toMatchObject({
      status: 'failed',
      temporalRunId: 'late',
      error: { message: 'boom' },
    });
    expect((await repo.get('t-runs', 't-2'))?.finishedAt).toBeInstanceOf(Date);
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
