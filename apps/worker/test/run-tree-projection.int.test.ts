import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadPipeline, type PipelinePlan } from '@flowgate/dsl';
import { RUN_PIPELINE_WORKFLOW, type RunPipelineInput } from '@flowgate/workflows';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const root = join(__dirname, '..', '..', '..');
const TASK_QUEUE = 'projection-test';
const catalog = new Map(['core.echo', 'text.transform'].map((name) => [name, { name }]));

let worker: ChildProcess;
let client: Client;
let pool: Pool;

function compile(text: string, subPlans = new Map<string, PipelinePlan>()): PipelinePlan {
  const result = loadPipeline(text, { catalog, subPlans });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const run = (id: string, plan: PipelinePlan, input: unknown): RunPipelineInput => ({
  plan,
  input: input as RunPipelineInput['input'],
  run: { id, tenant: 'projection', submittedBy: 'test', submittedAt: new Date().toISOString() },
});

beforeAll(async () => {
  pool = new Pool({ connectionString: inject('databaseUrl') });
  worker = spawn(process.execPath, [join(root, 'apps/worker/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      FLOWGATE_TASK_QUEUE: TASK_QUEUE,
      FLOWGATE_MIGRATE: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
}, 60_000);

afterAll(async () => {
  worker?.kill('SIGTERM');
  await new Promise((r) => worker?.once('exit', r));
  await client?.connection.close();
  await pool?.end();
});

describe('run-tree projection written by the worker (through the interpreter sink)', () => {
  it('records a run submitted straight to Temporal, its steps and its outcome', async () => {
    const plan = compile(readFileSync(join(root, 'examples/hello.yaml'), 'utf8'));
    const id = `proj-hello-${Date.now()}`;
    const handle = await client.workflow.start(RUN_PIPELINE_WORKFLOW, {
      taskQueue: TASK_QUEUE,
      workflowId: id,
      args: [run(id, plan, { name: 'Ada' })],
    });
    await handle.result();

    const row = await waitFor(async () => {
      const r = await pool.query(
        'SELECT status, output, finished_at, pipeline_name, temporal_run_id FROM runs WHERE id = $1',
        [id],
      );
      return r.rows[0]?.status === 'succeeded' ? r.rows[0] : undefined;
    }, 'run row');
    expect(row.output).toEqual({ greeting: 'Hello, Ada!', shout: 'HELLO, ADA!' });
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.pipeline_name).toBe('hello');
    // The run's own workflow reports its Temporal run id.
    expect(row.temporal_run_id).toBe(handle.firstExecutionRunId);

    const steps = await waitFor(async () => {
      const r = await pool.query(
        'SELECT path, kind, status, output_preview FROM step_runs WHERE run_id = $1 ORDER BY path',
        [id],
      );
      return r.rows.length === 2 && r.rows.every((s) => s.status === 'succeeded') ? r.rows : undefined;
    }, 'step rows');
    expect(steps.map((s) => [s.path, s.kind])).toEqual([
      ['greet', 'uses'],
      ['shout', 'uses'],
    ]);
    expect(steps[1].output_preview).toContain('HELLO, ADA!');
  });

  it('projects non-activity steps, failures and child runs linked to their parent', async () => {
    const child = compile(`
apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: proj-child, version: 1 }
spec:
  steps:
    - id: pause
      wait: { duration: 300ms }
    - id: compute
      set: { doubled: "\${ input.n * 2 }" }
`);
    const parent = compile(
      `
apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: proj-parent, version: 1 }
spec:
  steps:
    - id: sub
      pipeline: { name: proj-child, version: 1 }
      with: { n: 21 }
    - id: stop
      fail: { message: "\${ 'got ' & $string(steps.sub.output.compute.doubled) }", errorType: Enough }
`,
      new Map([['proj-child@1', child]]),
    );
    const id = `proj-parent-${Date.now()}`;
    await expect(
      client.workflow.execute(RUN_PIPELINE_WORKFLOW, {
        taskQueue: TASK_QUEUE,
        workflowId: id,
        args: [run(id, parent, {})],
      }),
    ).rejects.toThrow();

    const failed = await waitFor(async () => {
      const r = await pool.query('SELECT status, error FROM runs WHERE id = $1', [id]);
      return r.rows[0]?.status === 'failed' ? r.rows[0] : undefined;
    }, 'failed parent');
    expect(failed.error).toEqual({ type: 'Enough', message: 'got 42' });

    const childRun = await waitFor(async () => {
      const r = await pool.query(
        'SELECT id, status, parent_step_path, tenant, temporal_run_id FROM runs WHERE parent_run_id = $1',
        [id],
      );
      return r.rows[0]?.status === 'succeeded' ? r.rows[0] : undefined;
    }, 'child run');
    // The child's Temporal run id is its own (reported by the child's workflow, not the parent's).
    const childRunId = (await client.workflow.getHandle(`${id}/sub`).describe()).runId;
    expect(childRun).toEqual({
      id: `${id}/sub`,
      status: 'succeeded',
      parent_step_path: 'sub',
      tenant: 'projection',
      temporal_run_id: childRunId,
    });

    const kinds = await waitFor(async () => {
      const r = await pool.query(
        'SELECT run_id, path, kind, status FROM step_runs WHERE run_id = ANY($1) ORDER BY run_id, path',
        [[id, `${id}/sub`]],
      );
      return r.rows.length === 4 ? r.rows : undefined;
    }, 'steps of parent and child');
    expect(kinds).toEqual([
      { run_id: id, path: 'stop', kind: 'fail', status: 'failed' },
      { run_id: id, path: 'sub', kind: 'pipeline', status: 'succeeded' },
      { run_id: `${id}/sub`, path: 'compute', kind: 'set', status: 'succeeded' },
      { run_id: `${id}/sub`, path: 'pause', kind: 'wait', status: 'succeeded' },
    ]);
  });
});
