import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, type ApplicationFailure } from '@temporalio/common';
import { PROGRESS_QUERY, type RunProgress } from '../src/index';
import { startHarness, type Harness } from './harness';
import { fail, map, parallel, plan, uses } from './plan.factory';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const record = (id: string, event: string, o = {}) =>
  uses(id, 'test.record', { event: "${ input.tag & ':" + event + "' }" }, o);
const undo = (event: string) => ({ compensate: [record('undo', event)] });
const eventsOf = (tag: string) =>
  h.events.filter((e) => e.startsWith(`${tag}:`)).map((e) => e.slice(tag.length + 1));

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('compensation (saga)', () => {
  it('on failure, compensations of completed steps run in reverse completion order', async () => {
    const p = plan([
      record('book-flight', 'flight', undo('undo-flight')),
      record('book-hotel', 'hotel', undo('undo-hotel')),
      record('no-undo', 'note'),
      fail('pay', 'card declined', 'PaymentDeclined'),
    ]);
    const err = await h.run(p, { tag: 't1' }).catch((e: unknown) => e);
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('PaymentDeclined');
    expect(eventsOf('t1')).toEqual(['flight', 'hotel', 'note', 'undo-hotel', 'undo-flight']);
  });

  it('compensations see the step output; onError compensate also undoes the failing step itself', async () => {
    const p = plan([
      uses(
        'book',
        'core.echo',
        { id: 'B-1' },
        {
          compensate: [
            uses('undo', 'test.record', { event: "${ input.tag & ':cancel ' & steps.book.output.id }" }),
          ],
        },
      ),
      uses('charge', 'test.fail', { nonRetryable: true }, { onError: 'compensate', ...undo('refund') }),
    ]);
    const handle = await h.start(p, { tag: 't2' });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(eventsOf('t2')).toEqual(['refund', 'cancel B-1']);
    const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
    expect(progress.steps.find((s) => s.path === 'book')?.status).toBe('compensated');
    expect(progress.steps.find((s) => s.path === 'book/compensate/undo')?.status).toBe('succeeded');
  });

  it('onError continue on a composite step unwinds only what completed inside it', async () => {
    const p = plan([
      record('outer', 'outer', undo('undo-outer')),
      map(
        'm',
        '[1,2]',
        [record('inner', 'inner', undo('undo-inner')), fail('f', 'x', 'X', { when: 'item = 2' })],
        {
          concurrency: 1,
          onError: 'continue',
        },
      ),
      record('end', 'end'),
    ]);
    await h.run(p, { tag: 't3' });
    expect(eventsOf('t3')).toEqual(['outer', 'inner', 'inner', 'undo-inner', 'undo-inner', 'end']);
  });

  it('compensations registered inside map batch children join the parent saga', async () => {
    const p = plan([
      map(
        'm',
        '[1..4]',
        [
          uses(
            'r',
            'test.record',
            { event: "${ input.tag & ':do' & item }" },
            { compensate: [uses('u', 'test.record', { event: "${ input.tag & ':undo' & item }" })] },
          ),
        ],
        {
          batchSize: 2,
          concurrency: 1,
        },
      ),
      fail('boom', 'x'),
    ]);
    await expect(h.run(p, { tag: 't4' })).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(eventsOf('t4')).toEqual(['do1', 'do2', 'do3', 'do4', 'undo4', 'undo3', 'undo2', 'undo1']);
  });
});

describe('cancellation', () => {
  it('cancels running activities, runs compensations, and ends cancelled', async () => {
    const slow = { timeout: { startToCloseMs: 30_000, heartbeatMs: 1000 } };
    const p = plan([
      record('a', 'a', undo('undo-a')),
      parallel(
        'p',
        [
          [uses('s1', 'test.slow', { ms: 20_000, name: "${ input.tag & ':s1' }" }, slow)],
          [uses('s2', 'test.slow', { ms: 20_000, name: "${ input.tag & ':s2' }" }, slow)],
        ],
        {
          ...undo('undo-p'),
        },
      ),
    ]);
    const handle = await h.start(p, { tag: 't5' });
    await until(() => h.events.includes('start:t5:s1') && h.events.includes('start:t5:s2'));
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(eventsOf('t5')).toEqual(['a', 'undo-a']);
    await until(() => h.events.includes('cancelled:t5:s1') && h.events.includes('cancelled:t5:s2'));
    const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
    expect(progress.status).toBe('cancelled');
    expect(progress.steps.find((s) => s.path === 'p/branch[0]/s1')?.status).toBe('cancelled');
  });

  it('cancels map batch children', async () => {
    const p = plan([
      map(
        'm',
        '[1..4]',
        [uses('s', 'test.slow', { ms: 20_000 }, { timeout: { startToCloseMs: 30_000, heartbeatMs: 1000 } })],
        { batchSize: 2, concurrency: 4 },
      ),
    ]);
    const handle = await h.start(p, { tag: 't6' });
    const childId = `${handle.workflowId}/m[0-1]`;
    for (let i = 0; i < 100; i++) {
      const ok = await h.env.client.workflow
        .getHandle(childId)
        .describe()
        .then(
          () => true,
          () => false,
        );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const child = await h.env.client.workflow.getHandle(childId).describe();
    expect(child.status.name).toBe('CANCELLED');
  });
});
