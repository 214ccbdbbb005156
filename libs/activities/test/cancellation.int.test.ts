import { resolve } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBuiltins, EnvSecretProvider, loadActivityModules } from '../src/index';
import { startTestServer, type TestServer } from './support/http-test-server';
import { planOf, startPipelineWorker, usesStep, type PipelineWorker } from './support/pipeline-worker';

const databaseUrl = inject('databaseUrl');
const repoRoot = resolve(__dirname, '..', '..', '..');
const builtins = createBuiltins();
let server: TestServer;
let worker: PipelineWorker;
let admin: PgClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Long steps declare a heartbeat timeout: it bounds how soon a cancellation reaches the activity.
const longStep = { timeout: { startToCloseMs: 120_000, heartbeatMs: 2_000 } };

beforeAll(async () => {
  server = await startTestServer(() => undefined); // accepts requests and never answers
  admin = new PgClient({ connectionString: databaseUrl });
  await admin.connect();
  const user = await loadActivityModules(['./examples/activities/acme-activities.mjs'], repoRoot);
  worker = await startPipelineWorker(
    inject('temporalAddress'),
    [...builtins.definitions, ...user.map((u) => u.definition)],
    new EnvSecretProvider({ FLOWGATE_SECRET_ANALYTICS_DB: databaseUrl }),
  );
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await server?.close();
  await admin?.end();
  await builtins.close();
});

async function expectCancelled(result: Promise<unknown>): Promise<void> {
  const err = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
}

describe('cancelling a run stops its long activity promptly', () => {
  it('http.request: the request is aborted (the server sees the connection close)', async () => {
    const before = server.requests.length;
    const plan = planOf('cancel-http', [
      usesStep('wait', 'http.request', { url: `${server.url}/hang`, timeoutMs: 120_000 }, longStep),
    ]);
    const handle = await worker.start(plan);
    while (server.requests.length === before) await sleep(50);
    const socketClosed = new Promise<number>((r) => {
      const check = setInterval(() => {
        server.server.getConnections((_e, count) => {
          if (count === 0) {
            clearInterval(check);
            r(Date.now());
          }
        });
      }, 50);
    });
    await sleep(2_500); // it is running and heartbeating
    const cancelledAt = Date.now();
    await handle.cancel();
    await expectCancelled(handle.result());
    const closedAt = await socketClosed;
    expect(closedAt - cancelledAt).toBeLessThan(4_000);
    const history = await handle.fetchHistory();
    expect(history.events!.some((e) => e.activityTaskCancelRequestedEventAttributes)).toBe(true);
  });

  it('sql.query: the statement is cancelled on the server', async () => {
    const marker = `cancel_run_${Date.now()}`;
    const plan = planOf('cancel-sql', [
      usesStep(
        'report',
        'sql.query',
        { connectionSecret: 'analytics-db', text: `SELECT pg_sleep(120) AS ${marker}`, timeoutMs: 300_000 },
        longStep,
      ),
    ]);
    const active = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1",
          [`%${marker}%`],
        )
      ).rows[0].n as number;
    const handle = await worker.start(plan);
    while ((await active()) === 0) await sleep(100);
    await sleep(2_500);
    const cancelledAt = Date.now();
    await handle.cancel();
    await expectCancelled(handle.result());
    while ((await active()) > 0) {
      expect(Date.now() - cancelledAt).toBeLessThan(5_000);
      await sleep(100);
    }
  });

  it('a user activity (acme.countdown) heartbeats progress and stops on cancellation', async () => {
    const plan = planOf('cancel-user', [
      usesStep('count', 'acme.countdown', { from: 1_000, tickMs: 100 }, longStep),
    ]);
    const handle = await worker.start(plan);
    await sleep(2_500);
    const described = await handle.describe();
    const pending = described.raw.pendingActivities?.[0];
    expect(pending?.activityType?.name).toBe('acme.countdown');
    expect(pending?.heartbeatDetails?.payloads?.length).toBe(1);
    await handle.cancel();
    await expectCancelled(handle.result());
  });
});
