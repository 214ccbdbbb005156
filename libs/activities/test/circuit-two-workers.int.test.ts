import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import {
  ActivityCatalogRepository,
  ApiKeysRepository,
  CircuitBreakersRepository,
  createPool,
  generateApiKey,
} from '@flowgate/store';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { json, startTestServer, type TestServer } from './support/http-test-server';
import { planOf, RUN_PIPELINE, usesStep } from './support/pipeline-worker';
import { freePort, spawnNode, type NodeProcess } from './support/processes';
import { quietLogger } from './support/run-activity';

/**
 * The circuit breaker shared through PostgreSQL by two real worker processes
 * (`node apps/worker/dist/main.js`), each polling its own task queue so that which worker runs a
 * call is certain. Failures seen by worker A open the circuit; worker B then fails fast without
 * calling; after the cool-down one probe goes through; its failure re-opens, its success closes.
 * The gateway (a third process) shows the states at GET /v1/circuits. Build first: `npx tsc -b`.
 */

const COOL_DOWN_MS = 3_000;
const databaseUrl = inject('databaseUrl');
const temporalAddress = inject('temporalAddress');
const queueA = `cb-a-${randomUUID()}`;
const queueB = `cb-b-${randomUUID()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let upstream: TestServer;
let mode: 'down' | 'slow-up' = 'down';
let inFlight = 0;
let maxInFlight = 0;
let workerA: NodeProcess;
let workerB: NodeProcess;
let gateway: NodeProcess;
let gatewayUrl: string;
let apiKey: string;
let pool: Pool;
let circuits: CircuitBreakersRepository;
let connection: Connection;
let client: Client;

function run(queue: string, step: ReturnType<typeof usesStep>): Promise<WorkflowHandle> {
  const id = `cb-run-${randomUUID()}`;
  return client.workflow.start(RUN_PIPELINE, {
    taskQueue: queue,
    workflowId: id,
    args: [
      {
        plan: planOf('circuit', [step]),
        input: {},
        run: { id, tenant: 'acme', submittedBy: 'tester', submittedAt: new Date().toISOString() },
      },
    ],
  });
}

const callUpstream = (maxAttempts: number) =>
  usesStep('call', 'http.request', { url: `${upstream.url}/status`, timeoutMs: 10_000 }, { maxAttempts });

/** The ApplicationFailure type at the root of a failed run. */
async function failureType(
  handle: WorkflowHandle,
): Promise<{ type?: string; nextRetryDelay?: unknown; message: string }> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let cause: unknown = err;
  while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
  const app = cause as ApplicationFailure;
  return { type: app?.type ?? undefined, message: app?.message ?? String(err), nextRetryDelay: app?.details };
}

/** Worker identity and attempt of the run's (single) activity, from its history. */
async function activityAttempt(
  handle: WorkflowHandle,
): Promise<{ identity: string; attempt: number; lastFailureType?: string }> {
  const history = await handle.fetchHistory();
  const started = history.events!.find(
    (e) => e.activityTaskStartedEventAttributes,
  )!.activityTaskStartedEventAttributes!;
  return {
    identity: started.identity ?? '',
    attempt: started.attempt ?? 0,
    lastFailureType: started.lastFailure?.applicationFailureInfo?.type ?? undefined,
  };
}

async function api(path: string, key: string | null = apiKey) {
  const res = await fetch(`${gatewayUrl}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  upstream = await startTestServer(async (_req, res) => {
    if (mode === 'down') return json(res, 503, { error: 'down' });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(1_500);
    inFlight--;
    json(res, 200, { ok: true });
  });
  pool = createPool(databaseUrl, { max: 3 });
  circuits = new CircuitBreakersRepository(pool);
  const key = await generateApiKey();
  await new ApiKeysRepository(pool).insert({
    prefix: key.prefix,
    hash: key.hash,
    name: 'circuit-test',
    tenant: 'acme',
    role: 'viewer',
  });
  apiKey = key.token;

  // One prebuilt interpreter bundle for both workers (no bundling at their start).
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('@flowgate/workflows/dist/workflows.js'),
    logger: quietLogger,
  });
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'flowgate-cb-')), 'workflow-bundle.js');
  writeFileSync(bundlePath, code);

  const common = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    FLOWGATE_MIGRATE: 'false',
    LOG_LEVEL: 'info',
    FLOWGATE_WORKFLOW_BUNDLE: bundlePath,
    FLOWGATE_CIRCUIT_FAILURE_THRESHOLD: '3',
    FLOWGATE_CIRCUIT_COOLDOWN_MS: String(COOL_DOWN_MS),
    FLOWGATE_ACTIVITY_MODULES: './examples/activities/acme-activities.mjs',
  };
  workerA = spawnNode('worker-a', 'apps/worker/dist/main.js', {
    ...common,
    FLOWGATE_TASK_QUEUE: queueA,
    FLOWGATE_WORKER_IDENTITY: 'cb-worker-a',
  });
  workerB = spawnNode('worker-b', 'apps/worker/dist/main.js', {
    ...common,
    FLOWGATE_TASK_QUEUE: queueB,
    FLOWGATE_WORKER_IDENTITY: 'cb-worker-b',
  });
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  gateway = spawnNode('gateway', 'apps/gateway/dist/main.js', {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    FLOWGATE_MIGRATE: 'false',
    LOG_LEVEL: 'warn',
    PORT: String(port),
  });
  await Promise.all([workerA.waitFor(/"msg":"worker started"/), workerB.waitFor(/"msg":"worker started"/)]);
  for (let i = 0; ; i++) {
    const ok = await fetch(`${gatewayUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error(`gateway not healthy:\n${gateway.lines.slice(-30).join('\n')}`);
    await sleep(100);
  }
  connection = await Connection.connect({ address: temporalAddress });
  client = new Client({ connection });
}, 180_000);

afterAll(async () => {
  await Promise.all([workerA?.stop(), workerB?.stop(), gateway?.stop()]);
  await connection?.close();
  await upstream?.close();
  await pool?.end();
});

describe('user activity modules in a worker process', () => {
  it('are registered, published in the catalog and runnable', async () => {
    expect(
      workerA.lines.some((l) => l.includes('user activity modules loaded') && l.includes('acme.slugify')),
    ).toBe(true);
    const names = (await new ActivityCatalogRepository(pool).list()).map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'acme.slugify',
        'acme.countdown',
        'http.request',
        'llm.chat',
        'notify.webhook',
        'sql.query',
      ]),
    );
    const listed = await api('/v1/activities');
    const slugify = (listed.body.items as Array<{ name: string; inputSchema: unknown }>).find(
      (a) => a.name === 'acme.slugify',
    );
    expect(slugify?.inputSchema).toMatchObject({
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    const handle = await run(queueB, usesStep('slug', 'acme.slugify', { text: 'Crème Brûlée — Recipe #1' }));
    expect(await handle.result()).toEqual({ output: { slug: { slug: 'creme-brulee-recipe-1' } } });
  });
});

describe('circuit breaker shared by two worker processes', () => {
  const dependency = () => upstream.url;

  it('opens after 3 consecutive failures seen by worker A', async () => {
    for (let i = 0; i < 3; i++) {
      const handle = await run(queueA, callUpstream(1));
      expect((await failureType(handle)).type).toBe('HttpServerError');
      expect((await activityAttempt(handle)).identity).toBe('cb-worker-a');
    }
    expect(upstream.requests).toHaveLength(3);
    const circuit = await circuits.get(dependency());
    expect(circuit).toMatchObject({ state: 'open', consecutiveFailures: 3 });

    const listed = await api('/v1/circuits');
    expect(listed.status).toBe(200);
    const item = (listed.body.items as Array<Record<string, unknown>>).find(
      (c) => c.dependency === dependency(),
    );
    expect(item).toMatchObject({
      state: 'open',
      consecutiveFailures: 3,
      probeInFlight: false,
      lastError: expect.stringContaining('HttpServerError'),
    });
    expect(item?.retryInMs).toBeGreaterThan(0);
    const one = await api(`/v1/circuits/${encodeURIComponent(dependency())}`);
    expect(one.body).toMatchObject({ dependency: dependency(), state: 'open' });
    expect((await api('/v1/circuits?state=closed')).body.items).not.toContainEqual(
      expect.objectContaining({ dependency: dependency() }),
    );
    expect((await api('/v1/circuits', null)).status).toBe(401);
    expect((await api('/v1/circuits/http%3A%2F%2Fnowhere.test')).body).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect((await api('/v1/circuits?state=bogus')).body).toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
  });

  it('worker B, which saw no failure, fails fast with CircuitOpen without calling', async () => {
    const handle = await run(queueB, callUpstream(1));
    const failure = await failureType(handle);
    expect(failure.type).toBe('CircuitOpen');
    expect(failure.message).toMatch(/circuit for http:\/\/127\.0\.0\.1:\d+ is open; next attempt in \d+ ms/);
    expect((await activityAttempt(handle)).identity).toBe('cb-worker-b');
    expect(upstream.requests).toHaveLength(3);
  });

  it("half-opens after the cool-down: worker B's probe fails and re-opens the circuit", async () => {
    const openedAt = (await circuits.get(dependency()))!.openedAt!;
    while ((await circuits.get(dependency()))!.state !== 'half_open') await sleep(100);
    const handle = await run(queueB, callUpstream(1));
    expect((await failureType(handle)).type).toBe('HttpServerError');
    expect(upstream.requests).toHaveLength(4);
    const reopened = (await circuits.get(dependency()))!;
    expect(reopened.state).toBe('open');
    expect(reopened.openedAt!.getTime()).toBeGreaterThan(openedAt.getTime());
  });

  it('half-open lets exactly one probe through across both workers; its success closes the circuit', async () => {
    mode = 'slow-up';
    const { halfOpenAt } = (await circuits.get(dependency()))!;
    const before = upstream.requests.length;
    // Both runs start while the circuit is open: each fails fast, then retries after nextRetryDelay.
    const [a, b] = await Promise.all([run(queueA, callUpstream(8)), run(queueB, callUpstream(8))]);
    await Promise.all([a.result(), b.result()]);
    const calls = upstream.requests.slice(before);
    expect(calls).toHaveLength(2); // the probe, then the other run once the circuit closed
    expect(maxInFlight).toBe(1); // never two calls at once: one probe only
    // No call before the circuit turned half-open: the retry delay was the time until half-open.
    expect(calls[0]!.at).toBeGreaterThanOrEqual(halfOpenAt!.getTime() - 50);
    const attempts = await Promise.all([activityAttempt(a), activityAttempt(b)]);
    expect(attempts.map((x) => x.identity).sort()).toEqual(['cb-worker-a', 'cb-worker-b']);
    for (const x of attempts) {
      expect(x.attempt).toBeGreaterThanOrEqual(2);
      expect(x.lastFailureType).toBe('CircuitOpen');
    }
    expect(await circuits.get(dependency())).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    const listed = await api('/v1/circuits?state=closed');
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ dependency: dependency(), state: 'closed' }),
    );
    expect(workerA.lines.concat(workerB.lines).some((l) => l.includes('"msg":"circuit closed"'))).toBe(true);
  });
});
