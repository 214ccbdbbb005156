import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { startTemporalTestEnv } from '../../../test/support/temporal-env';

/**
 * Why interpreter changes go behind patched(): a history recorded by v1 of a workflow fails to
 * replay on v2 where two calls were swapped, and replays fine when the swap is behind patched().
 */
const fixture = (name: string) => require.resolve(`./fixtures/${name}.fixture.ts`);
const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const bundle = (name: string) => bundleWorkflowCode({ workflowsPath: fixture(name), logger: quiet });

let env: TestWorkflowEnvironment;
let v1History: temporal.api.history.v1.IHistory;
const workflowId = `reorder-${randomUUID()}`;

beforeAll(async () => {
  env = await startTemporalTestEnv();
  const taskQueue = `reorder-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundle('reorder-v1'),
    activities: { 'core.echo': async (v: string) => v, 'test.record': async (v: string) => v },
  });
  await worker.runUntil(async () => {
    const result = await env.client.workflow.execute('reorderDemo', { taskQueue, workflowId });
    expect(result).toEqual(['first', 'second']);
  });
  v1History = await env.client.workflow.getHandle(workflowId).fetchHistory();
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

describe('patched() keeps old histories replayable', () => {
  it('the v1 history replays on v1', async () => {
    await Worker.runReplayHistory({ workflowBundle: await bundle('reorder-v1') }, v1History, workflowId);
  }, 60_000);

  it('swapping the calls without patched() fails replay with a determinism violation', async () => {
    const err = await Worker.runReplayHistory(
      { workflowBundle: await bundle('reorder-v2') },
      v1History,
      workflowId,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('DeterminismViolationError');
    expect((err as Error).message).toMatch(/Nondeterminism/);
  }, 60_000);

  it('the same swap behind patched() replays fine', async () => {
    await Worker.runReplayHistory(
      { workflowBundle: await bundle('reorder-v2-patched') },
      v1History,
      workflowId,
    );
  }, 60_000);
});
