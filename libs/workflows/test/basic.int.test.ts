import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, type ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { PROGRESS_QUERY, type RunProgress } from '../src/index';
import { startHarness, type Harness } from './harness';
import { fail, plan, set, uses, approval } from './plan.factory';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

async function failureOf(p: Promise<unknown>): Promise<WorkflowFailedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

describe('runPipeline: sequential and DAG steps', () => {
  it('runs uses/set steps in order with expressions, output and pipeline output', async () => {
    const p = plan(
      [
        uses('greet', 'core.echo', { text: "${ 'hello ' & input.name }", n: '${ input.n }' }),
        uses('sum', 'test.add', { a: '${ steps.greet.output.n }', b: 2 }, { output: 'result * 10' }),
        set('final', {
          total: '${ steps.sum.output }',
          label: 'total=${ steps.sum.output }',
          run: '${ run.tenant }',
        }),
      ],
      { output: "{ 'greeting': steps.greet.output.text, 'final': steps.final.output }" },
    );
    const result = await h.run(p, { name: 'ada', n: 40 });
    expect(result.output).toEqual({
      greeting: 'hello ada',
      final: { total: 420, label: 'total=420', run: 'acme' },
    });
  });

  it('defaults the pipeline output to every top-level step output', async () => {
    const result = await h.run(plan([set('a', 1), set('b', '${ steps.a.output + 1 }')]));
    expect(result.output).toEqual({ a: 1, b: 2 });
  });

  it('runs independent steps concurrently and joins on needs', async () => {
    const p = plan([
      uses('a', 'test.slow', { ms: 400, name: 'a' }, { needs: [] }),
      uses('b', 'test.slow', { ms: 400, name: 'b' }, { needs: [] }),
      set('c', '${ steps.a.output.name & steps.b.output.name }', { needs: ['a', 'b'] }),
    ]);
    const t0 = Date.now();
    const result = await h.run(p);
    expect(Date.now() - t0).toBeLessThan(790);
    expect((result.output as { c: string }).c).toBe('ab');
  });

  it('skips a step whose when is false and lets dependents see the skipped status', async () => {
    const p = plan([set('a', 1), set('b', 'never', { when: 'input.go' }), set('c', '${ steps.b.status }')]);
    const result = await h.run(p, { go: false });
    expect(result.output).toEqual({ a: 1, b: null, c: 'skipped' });
  });
});

describe('runPipeline: failures, retries and timeouts', () => {
  it('retries an activity failing twice, then succeeds', async () => {
    const p = plan([
      uses(
        'flaky',
        'test.flaky',
        { failures: 2 },
        {
          retry: {
            maxAttempts: 3,
            initialIntervalMs: 10,
            backoffCoefficient: 1,
            maxIntervalMs: 10,
            nonRetryable: [],
          },
        },
      ),
    ]);
    const result = await h.run(p);
    expect(result.output).toEqual({ flaky: { attempt: 3 } });
  });

  it('fails with retries exhausted and reports the attempts in progress', async () => {
    const p = plan([
      uses(
        'flaky',
        'test.flaky',
        { failures: 5 },
        {
          retry: {
            maxAttempts: 2,
            initialIntervalMs: 10,
            backoffCoefficient: 1,
            maxIntervalMs: 10,
            nonRetryable: [],
          },
        },
      ),
    ]);
    const handle = await h.start(p);
    const err = await failureOf(handle.result());
    expect(err.cause).toBeInstanceOf(ActivityFailure);
    const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
    expect(progress.status).toBe('failed');
    expect(progress.steps[0]).toMatchObject({
      path: 'flaky',
      status: 'failed',
      attempts: 2,
      error: { type: 'Flaky' },
    });
  });

  it('does not retry error types listed as nonRetryable', async () => {
    const p = plan([
      uses(
        'f',
        'test.fail',
        { type: 'InvalidRequest' },
        {
          retry: {
            maxAttempts: 5,
            initialIntervalMs: 1000,
            backoffCoefficient: 1,
            maxIntervalMs: 1000,
            nonRetryable: ['InvalidRequest'],
          },
        },
      ),
    ]);
    const t0 = Date.now();
    const err = await failureOf(h.run(p));
    expect(Date.now() - t0).toBeLessThan(900);
    const cause = err.cause as ActivityFailure;
    expect(cause.activityType).toBe('test.fail');
    expect(cause.activityId).toBe('f');
    expect((cause.cause as ApplicationFailure).type).toBe('InvalidRequest');
  });

  it('times out a slow activity after startToClose', async () => {
    const p = plan([uses('slow', 'test.slow', { ms: 5000 }, { timeout: { startToCloseMs: 300 } })]);
    const t0 = Date.now();
    const err = await failureOf(h.run(p));
    expect(Date.now() - t0).toBeLessThan(4000);
    expect((err.cause as ActivityFailure).cause).toBeInstanceOf(TimeoutFailure);
  });

  it('fail steps raise a non-retryable failure of their errorType', async () => {
    const err = await failureOf(
      h.run(plan([fail('stop', "${ 'bad ticket ' & input.id }", 'BadTicket')]), { id: 7 }),
    );
    const cause = err.cause as ApplicationFailure;
    expect(cause.type).toBe('BadTicket');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toBe('bad ticket 7');
  });

  it('onError continue records the failure and goes on', async () => {
    const p = plan([
      uses('f', 'test.fail', { nonRetryable: true, type: 'Nope' }, { onError: 'continue' }),
      set('after', '${ steps.f.status & ":" & steps.f.error.type }'),
    ]);
    const result = await h.run(p);
    expect(result.output).toEqual({ f: null, after: 'failed:Nope' });
  });

  it('a runtime expression error fails the step with a non-retryable ExpressionError naming step and expression', async () => {
    const err = await failureOf(h.run(plan([set('a', 1), set('bad', '${ $number("x") }')])));
    const cause = err.cause as ApplicationFailure;
    expect(cause.type).toBe('ExpressionError');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain("step 'bad'");
    expect(cause.message).toContain('$number("x")');
  });

  it('an approval step without a decision fails with ApprovalTimedOut (onTimeout: fail); hitl.int.test.ts has the rest', async () => {
    const err = await failureOf(h.run(plan([approval('review', { timeoutMs: 200, onTimeout: 'fail' })])));
    expect((err.cause as ApplicationFailure).type).toBe('ApprovalTimedOut');
  });
});

describe('progress query', () => {
  it('returns the live run tree with statuses, timings and a bounded preview', async () => {
    const p = plan([
      set('big', '${ $join([1..400].($string($)), ",") }'),
      uses('slow', 'test.slow', { ms: 1500 }),
      set('after', 1),
    ]);
    const handle = await h.start(p);
    let progress: RunProgress | undefined;
    for (let i = 0; i < 50; i++) {
      progress = await handle.query<RunProgress>(PROGRESS_QUERY);
      if (progress.steps.some((s) => s.path === 'slow')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(progress?.status).toBe('running');
    const big = progress?.steps.find((s) => s.path === 'big');
    expect(big).toMatchObject({ kind: 'set', status: 'succeeded', attempts: 1 });
    expect(big?.outputPreview?.length).toBeLessThanOrEqual(512);
    expect(big?.startedAt).toBeTruthy();
    expect(big?.finishedAt).toBeTruthy();
    expect(progress?.steps.find((s) => s.path === 'slow')).toMatchObject({ kind: 'uses', status: 'running' });
    await handle.result();
    const done = await handle.query<RunProgress>(PROGRESS_QUERY);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => [s.path, s.status])).toEqual([
      ['big', 'succeeded'],
      ['slow', 'succeeded'],
      ['after', 'succeeded'],
    ]);
  });
});
