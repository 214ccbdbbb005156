import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import { PROGRESS_QUERY, type RunProgress } from '../src/index';
import { startHarness, type Harness } from './harness';
import { fail, loop, map, parallel, plan, set, sub, switchStep, uses, wait } from './plan.factory';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const out = async (p: Promise<{ output: unknown }>) => (await p).output as Record<string, unknown>;

describe('parallel', () => {
  it('runs branches concurrently and merges (deep)', async () => {
    const p = plan([
      parallel(
        'enrich',
        [
          [
            uses(
              'crm',
              'test.slow',
              { ms: 300, name: 'crm' },
              { output: "{ 'customer': { 'name': 'ada' } }" },
            ),
          ],
          [
            uses(
              'hist',
              'test.slow',
              { ms: 300, name: 'hist' },
              { output: "{ 'customer': { 'tickets': 3 } }" },
            ),
          ],
        ],
        { merge: 'deep' },
      ),
    ]);
    const t0 = Date.now();
    const o = await out(h.run(p));
    expect(Date.now() - t0).toBeLessThan(590);
    expect(o.enrich).toEqual({ customer: { name: 'ada', tickets: 3 } });
  });

  it('join first: the first branch wins, losers are cancelled', async () => {
    const p = plan([
      parallel(
        'race',
        [
          [uses('fast', 'test.slow', { ms: 100, name: 'fast' })],
          [
            uses(
              'slowest',
              'test.slow',
              { ms: 5000, name: 'slowest' },
              { timeout: { startToCloseMs: 10_000, heartbeatMs: 1000 } },
            ),
          ],
        ],
        { merge: 'first', join: { mode: 'first' } },
      ),
    ]);
    const t0 = Date.now();
    const o = await out(h.run(p));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(o.race).toEqual({ slept: 100, name: 'fast' });
  });

  it('join any tolerates failed branches; atLeast fails when impossible', async () => {
    const any = plan([
      parallel('p', [[uses('bad', 'test.fail', { nonRetryable: true })], [set('good', 42)]], {
        merge: 'collect',
        join: { mode: 'any' },
      }),
    ]);
    expect((await out(h.run(any))).p).toEqual([42]);
    const atLeast = plan([
      parallel(
        'p',
        [[uses('bad', 'test.fail', { nonRetryable: true })], [set('good', 1)], [fail('bad2', 'x')]],
        { join: { mode: 'atLeast', n: 2 } },
      ),
    ]);
    await expect(h.run(atLeast)).rejects.toBeInstanceOf(WorkflowFailedError);
  });
});

describe('map', () => {
  it('runs items with a concurrency limit and collects outputs in order', async () => {
    const p = plan([
      map(
        'm',
        'input.xs',
        [
          uses('double', 'test.add', { a: '${ item }', b: '${ item }' }),
          set('fmt', '${ index & ":" & steps.double.output }'),
        ],
        {
          concurrency: 3,
        },
      ),
    ]);
    expect((await out(h.run(p, { xs: [1, 2, 3, 4, 5] }))).m).toEqual(['0:2', '1:4', '2:6', '3:8', '4:10']);
  });

  it('aggregates by vote, maxBy and reduce', async () => {
    const items = { xs: [3, 1, 3, 2, 3, 1] };
    const body = [set('v', '${ item }')];
    const vote = plan([map('m', 'input.xs', body, { aggregate: { mode: 'vote' } })]);
    expect((await out(h.run(vote, items))).m).toBe(3);
    const maxBy = plan([
      map('m', 'input.xs', [set('v', "${ { 'n': item, 'i': index } }")], {
        aggregate: { mode: 'maxBy', by: 'output.n' },
      }),
    ]);
    expect((await out(h.run(maxBy, items))).m).toEqual({ n: 3, i: 0 });
    const reduce = plan([
      map('m', 'input.xs', body, { aggregate: { mode: 'reduce', reducer: 'acc + output', initial: 0 } }),
    ]);
    expect((await out(h.run(reduce, items))).m).toBe(13);
  });

  it('runs more items than batchSize as runMapBatch children', async () => {
    const p = plan([
      map('m', '[1..25]', [uses('e', 'core.echo', { v: '${ item }' }, { output: 'result.v' })], {
        batchSize: 10,
        concurrency: 5,
      }),
    ]);
    const handle = await h.start(p);
    const result = (await handle.result()) as { output: { m: number[] } };
    expect(result.output.m).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
    const m = progress.steps.find((s) => s.path === 'm');
    expect(m?.items).toMatchObject({ total: 25, succeeded: 25, batched: 25 });
    expect(m?.children).toEqual([
      `${handle.workflowId}/m[0-9]`,
      `${handle.workflowId}/m[10-19]`,
      `${handle.workflowId}/m[20-24]`,
    ]);
    const child = h.env.client.workflow.getHandle(`${handle.workflowId}/m[10-19]`);
    const childProgress = await child.query<RunProgress>(PROGRESS_QUERY);
    expect(childProgress.steps.some((s) => s.path === 'm[10]/e')).toBe(true);
  });

  it('single-`uses` items (run as one promise chain) keep outputs, progress and contained failures', async () => {
    const retry = {
      maxAttempts: 2,
      initialIntervalMs: 10,
      backoffCoefficient: 1,
      maxIntervalMs: 10,
      nonRetryable: [],
    };
    const p = plan([
      // Plain-path arguments: the direct item path.
      map('echo', '[1..5]', [uses('e', 'core.echo', { v: '${ item }', at: 'i${ index }' })], {
        concurrency: 2,
      }),
      // A JSONata argument: the general path, same shape of result.
      map('calc', '[1..3]', [uses('e', 'core.echo', { v: '${ item * 10 }' })]),
      // Failures contained per item: failed records, null outputs, attempts used up in progress.
      map('flaky', '[1, 2]', [
        uses('f', 'test.fail', { message: 'item ${ item }' }, { onError: 'continue', retry }),
      ]),
    ]);
    const handle = await h.start(p);
    const result = (await handle.result()) as { output: Record<string, unknown> };
    expect(result.output.echo).toEqual([1, 2, 3, 4, 5].map((v, i) => ({ v, at: `i${i}` })));
    expect(result.output.calc).toEqual([{ v: 10 }, { v: 20 }, { v: 30 }]);
    expect(result.output.flaky).toEqual([null, null]);
    const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
    const byPath = new Map(progress.steps.map((s) => [s.path, s]));
    expect(byPath.get('echo[4]/e')).toMatchObject({ status: 'succeeded', kind: 'uses', attempts: 1 });
    expect(byPath.get('echo')?.items).toMatchObject({ total: 5, succeeded: 5, failed: 0 });
    expect(byPath.get('flaky[1]/f')).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: { type: 'TestError' },
    });
    expect(byPath.get('flaky[1]/f')?.error?.message).toContain('item 2');
  });

  it('a failing single-`uses` item fails the map and the run with the activity error', async () => {
    const p = plan([
      map('m', '[1..4]', [
        uses('f', 'test.fail', { message: 'item ${ item }', nonRetryable: true, type: 'ItemError' }),
      ]),
    ]);
    const err = await h.run(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause;
    expect(activity?.name).toBe('ActivityFailure');
    const cause = activity?.cause as ApplicationFailure;
    expect(cause.type).toBe('ItemError');
    expect(cause.message).toMatch(/^item [1-4]$/);
  });

  it('a failing item fails the map with the item path', async () => {
    const p = plan([map('m', '[1..4]', [fail('f', 'bad ${ item }', 'ItemError', { when: 'item = 3' })])]);
    const err = await h.run(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('ItemError');
  });
});

describe('switch, loop, wait', () => {
  it('switch runs the first matching case, else default', async () => {
    const p = plan([
      switchStep(
        'route',
        [
          { when: "input.priority = 'high'", steps: [set('page', 'paged')] },
          { when: "input.priority = 'low'", steps: [set('queue', 'queued')] },
        ],
        [set('ignore', 'ignored')],
      ),
    ]);
    expect((await out(h.run(p, { priority: 'low' }))).route).toBe('queued');
    expect((await out(h.run(p, { priority: 'high' }))).route).toBe('paged');
    expect((await out(h.run(p, { priority: '?' }))).route).toBe('ignored');
  });

  it('loop with until and accumulators; while; maxIterations', async () => {
    const until = plan([
      loop(
        'count',
        [
          set('n', '${ $exists(steps.n) ? steps.n.output + 1 : 1 }'),
          uses('e', 'core.echo', { n: '${ steps.n.output }' }),
        ],
        {
          until: 'steps.n.output >= 4',
        },
      ),
    ]);
    expect((await out(h.run(until))).count).toEqual({ n: 4 });
    const whileLoop = plan([loop('w', [set('i', '${ index }')], { while: 'index < 3' })]);
    expect((await out(h.run(whileLoop))).w).toBe(2);
    const capped = plan([loop('c', [set('i', '${ index }')], { until: 'false', maxIterations: 5 })]);
    expect((await out(h.run(capped))).c).toBe(4);
  });

  it('a top-level loop continues-as-new and carries its state', async () => {
    const p = plan(
      [
        set('before', 'x'),
        loop('poll', [uses('tick', 'test.count', { key: '${ run.id }' })], {
          until: 'steps.tick.output >= 30',
          maxIterations: 1000,
        }),
        set('after', '${ steps.before.output & steps.poll.output }'),
      ],
      { output: "{ 'after': steps.after.output, 'poll': steps.poll.output }" },
    );
    const handle = await h.start(p, {}, { continueAsNewAfterEvents: 40 });
    const result = (await handle.result()) as { output: unknown };
    expect(result.output).toEqual({ after: 'x30', poll: 30 });
    const desc = await handle.describe();
    expect(desc.runId).not.toBe(handle.firstExecutionRunId);
    const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
    expect(progress.steps.find((s) => s.path === 'poll')?.iterations).toBe(30);
    expect(progress.steps.filter((s) => s.path.startsWith('poll[')).map((s) => s.path)).toEqual([
      'poll[29]/tick',
    ]);
  });

  it('wait for a duration and until an ISO time', async () => {
    const p = plan([
      wait('pause', { durationMs: 200 }),
      set('at', '${ $now() }'),
      wait('until', { until: '$fromMillis($toMillis(steps.at.output) + 200)' }),
    ]);
    const t0 = Date.now();
    await h.run(p);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
  });
});

describe('sub-pipeline', () => {
  it('runs the pinned child plan as a child runPipeline with id parent/stepPath', async () => {
    const child = plan(
      [uses('e', 'core.echo', { hi: "${ 'child ' & input.who & ' of ' & run.parent.stepPath }" })],
      {
        name: 'child',
        version: 3,
        output: 'steps.e.output.hi',
      },
    );
    const p = plan([sub('kid', child, { who: '${ input.name }' })]);
    const handle = await h.start(p, { name: 'bo' });
    const result = (await handle.result()) as { output: Record<string, unknown> };
    expect(result.output.kid).toBe('child bo of kid');
    const desc = await h.env.client.workflow.getHandle(`${handle.workflowId}/kid`).describe();
    expect(desc.type).toBe('runPipeline');
    expect(desc.searchAttributes).toMatchObject({
      FlowgatePipeline: ['child'],
      FlowgatePipelineVersion: [3],
      FlowgateTenant: ['acme'],
    });
  });

  it('a failing child fails the parent step', async () => {
    const child = plan([fail('no', 'child says no', 'ChildNo')], { name: 'child' });
    const err = await h.run(plan([sub('kid', child, {})])).catch((e: unknown) => e);
    expect(((err as WorkflowFailedError).cause as ChildWorkflowFailure).cause).toMatchObject({
      type: 'ChildNo',
    });
  });
});
