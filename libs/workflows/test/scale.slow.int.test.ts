import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { MAX_HISTORY_EVENTS_PER_EXECUTION, PROGRESS_QUERY, type RunProgress } from '../src/index';
import { startHarness, type Harness } from './harness';
import { loop, map, plan, uses } from './plan.factory';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

/** History length of every execution (continue-as-new runs included) of a workflow id. */
async function historyLengths(client: Client, workflowId: string): Promise<number[]> {
  const lengths: number[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, wf.runId).fetchHistory();
    lengths.push(history.events?.length ?? 0);
  }
  return lengths;
}

describe('bounded history at scale', () => {
  it('a 10,000-item map never has an execution above 10,240 events nor 1,000 pending activities', async () => {
    const p = plan([
      map('m', '[1..10000]', [uses('echo', 'core.echo', { v: '${ item }' }, { output: 'result.v' })], {
        batchSize: 250,
        concurrency: 500,
        aggregate: { mode: 'reduce', reducer: 'acc + output', initial: 0 },
      }),
    ]);
    const handle = await h.start(p);
    let maxPending = 0;
    const sampler = (async () => {
      for (;;) {
        const progress = await handle.query<RunProgress>(PROGRESS_QUERY).catch(() => undefined);
        if (!progress || progress.status !== 'running') return;
        const children = progress.steps.find((s) => s.path === 'm')?.children ?? [];
        for (const id of children.slice(-2)) {
          const d = await h.env.client.workflow
            .getHandle(id)
            .describe()
            .catch(() => undefined);
          maxPending = Math.max(maxPending, d?.raw.pendingActivities?.length ?? 0);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const result = (await handle.result()) as { output: { m: number } };
    await sampler;
    expect(result.output.m).toBe((10_000 * 10_001) / 2);

    const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
    const m = progress.steps.find((s) => s.path === 'm');
    expect(m?.items).toMatchObject({ total: 10_000, succeeded: 10_000 });
    const ids = [handle.workflowId, ...(m?.children ?? [])];
    expect(ids.length).toBe(41);
    const lengths = (await Promise.all(ids.map((id) => historyLengths(h.env.client, id)))).flat();
    const max = Math.max(...lengths);
    process.stdout.write(
      `map 10k: ${lengths.length} executions, max history ${max} events, max pending activities seen ${maxPending}`,
    );
    expect(max).toBeLessThanOrEqual(MAX_HISTORY_EVENTS_PER_EXECUTION);
    expect(maxPending).toBeLessThanOrEqual(1000);
    expect(progress.steps.length).toBeLessThan(100);
  }, 600_000);

  it('a 1,000-iteration loop continues-as-new with every execution bounded', async () => {
    const p = plan([
      loop('l', [uses('a', 'test.noop'), uses('n', 'test.count', { key: '${ run.id }' })], {
        until: 'steps.n.output >= 1000',
        maxIterations: 1000,
      }),
    ]);
    const handle = await h.start(p);
    const result = (await handle.result()) as { output: { l: number } };
    expect(result.output.l).toBe(1000);
    const lengths = await historyLengths(h.env.client, handle.workflowId);
    process.stdout.write(`loop 1000: ${lengths.length} executions, histories ${lengths.join(', ')}\n`);
    expect(lengths.length).toBeGreaterThan(1);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(MAX_HISTORY_EVENTS_PER_EXECUTION);
  }, 600_000);
});
