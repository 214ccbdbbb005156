import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repoRoot, startDevStack, type RunningStack } from '../support/dev-stack-process';
import { restClient } from '../support/gateway-client';
import { temporalBinary } from '../support/temporal-binary';

/**
 * Schedules, the dead-letter view and payload encryption against the real stack (Temporal,
 * PostgreSQL, worker and gateway as processes), with FLOWGATE_PAYLOAD_KEYS set on both the
 * gateway and the worker: every run below also proves that encrypted payloads work end to end.
 */

interface RunView {
  id: string;
  status: string;
  input: unknown;
  output: unknown;
  submittedBy: string;
  error: { type: string; message: string } | null;
  retryOf: string | null;
}
interface ScheduleView {
  id: string;
  pipeline: { name: string; version: number };
  cron: string;
  state: string;
  paused: boolean;
  nextRunAt: string | null;
  recentRuns: { runId: string }[];
}

const PIPELINE = 'tick';
const SCHEDULED = (version: number, schedule: boolean) => ({
  apiVersion: 'flowgate/v1',
  kind: 'Pipeline',
  metadata: { name: PIPELINE, version },
  spec: {
    input: { type: 'object', properties: { who: { type: 'string' } } },
    ...(schedule
      ? { schedule: { cron: '@every 1s', overlap: 'allowAll', input: { who: 'the-scheduler' } } }
      : {}),
    steps: [{ id: 'say', uses: 'core.echo', with: { message: "${ 'tick for ' & input.who }" } }],
  },
});
const FAILING = {
  apiVersion: 'flowgate/v1',
  kind: 'Pipeline',
  metadata: { name: 'fragile', version: 1 },
  spec: {
    input: {
      type: 'object',
      required: ['text', 'op'],
      properties: { text: { type: 'string' }, op: { type: 'string' } },
    },
    steps: [
      { id: 'echo', uses: 'core.echo', with: { text: '${ input.text }' } },
      {
        id: 'transform',
        uses: 'text.transform',
        retry: { maxAttempts: 2, initialInterval: '100ms' },
        with: { text: '${ steps.echo.output.text }', op: '${ input.op }' },
      },
    ],
  },
};

let stack: RunningStack;
let db: TestDatabase;
let api: ReturnType<typeof restClient>;
const secretName = `Ada-${randomBytes(4).toString('hex')}`;

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function json<T>(res: Response, status?: number): Promise<T> {
  const body = (await res.json()) as T;
  if (status !== undefined) expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}

const waitForRun = (id: string, done: (r: RunView) => boolean) =>
  until(async () => {
    const run = await json<RunView>(await api(`/v1/runs/${encodeURIComponent(id)}`));
    return done(run) ? run : undefined;
  }, `run ${id}`);

const scheduledRuns = async () =>
  (await json<{ items: RunView[] }>(await api(`/v1/runs?pipeline=${PIPELINE}&limit=100`))).items.filter((r) =>
    r.submittedBy.startsWith('schedule:'),
  );

/** Every `data` field of a history in JSON form, base64-decoded (payload bodies). */
function payloadTexts(historyJson: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === 'data' && typeof v === 'string') out.push(Buffer.from(v, 'base64').toString('latin1'));
        else walk(v);
      }
  };
  walk(JSON.parse(historyJson));
  return out;
}

function temporal(args: string[]): string {
  return execFileSync(temporalBinary(), [...args, '--address', stack.info.temporalAddress], {
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  stack = await startDevStack({
    DATABASE_URL: db.url,
    FLOWGATE_PAYLOAD_KEYS: `e2e-2:${randomBytes(32).toString('base64')},e2e-1:${randomBytes(32).toString('base64')}`,
  });
  api = restClient(stack.info.restUrl.replace(/\/v1$/, ''), stack.info.apiKey);
});

afterAll(async () => {
  if (stack && stack.process.exitCode === null) await stack.stop();
  await db?.drop();
});

describe('schedules', () => {
  const id = `flowgate:default:${PIPELINE}`;

  it('a registered pipeline with a schedule becomes a Temporal Schedule that fires every second', async () => {
    const reg = await json<{ schedule: { outcome: string; scheduleId: string } }>(
      await api('/v1/pipelines', { method: 'POST', json: SCHEDULED(1, true) }),
      201,
    );
    expect(reg.schedule).toEqual({ outcome: 'created', scheduleId: id });

    const list = await json<{ items: ScheduleView[] }>(await api('/v1/schedules'), 200);
    // The example pipelines registered at start-up include a scheduled one.
    expect(list.items.map((s) => s.id)).toContain('flowgate:default:daily-report');
    const mine = list.items.find((s) => s.id === id)!;
    expect(mine).toMatchObject({
      pipeline: { name: PIPELINE, version: 1 },
      cron: '@every 1s',
      state: 'active',
    });
    expect(mine.nextRunAt).not.toBeNull();

    // Fires by itself; runs appear in GET /v1/runs (projected by the worker) and succeed.
    const runs = await until(async () => {
      const r = await scheduledRuns();
      return r.length >= 2 ? r : undefined;
    }, 'two scheduled runs');
    const run = await waitForRun(runs[runs.length - 1]!.id, (r) => r.status === 'succeeded');
    expect(run.id).toMatch(/^tick-scheduled-default-\d{4}-\d\d-\d\dT/);
    expect(run.submittedBy).toBe(`schedule:${id}`);
    expect(run.input).toEqual({ who: 'the-scheduler' });
    expect(run.output).toEqual({ say: { message: 'tick for the-scheduler' } });
  });

  it('pause stops it, trigger starts one now, resume restarts it (REST, GraphQL and the CLI)', async () => {
    const paused = await json<ScheduleView & { ok: boolean }>(
      await api(`/v1/schedules/${encodeURIComponent(id)}/pause`, { method: 'POST', json: { note: 'e2e' } }),
      200,
    );
    expect(paused).toMatchObject({ state: 'paused', paused: true, ok: true, nextRunAt: null });
    await new Promise((r) => setTimeout(r, 1_500)); // a fire already under way may still land
    const before = (await scheduledRuns()).length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await scheduledRuns()).length).toBe(before);

    // Trigger (by pipeline name, through the CLI): one run now, even while paused.
    const cli = execFileSync(
      process.execPath,
      [join(repoRoot, 'apps/cli/dist/main.js'), 'schedules', 'trigger', PIPELINE],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          FLOWGATE_URL: stack.info.restUrl.replace(/\/v1$/, ''),
          FLOWGATE_API_KEY: stack.info.apiKey,
        },
      },
    );
    expect(cli).toContain(`triggered schedule ${PIPELINE}`);
    await until(
      async () => ((await scheduledRuns()).length === before + 1 ? true : undefined),
      'the triggered run',
    );
    const listed = execFileSync(
      process.execPath,
      [join(repoRoot, 'apps/cli/dist/main.js'), 'schedules', 'list'],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          FLOWGATE_URL: stack.info.restUrl.replace(/\/v1$/, ''),
          FLOWGATE_API_KEY: stack.info.apiKey,
        },
      },
    );
    expect(listed).toMatch(new RegExp(`${id}\\s+tick@1\\s+@every 1s\\s+UTC\\s+paused`));

    // GraphQL: the query and the resume mutation.
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      json<{ data: Record<string, unknown>; errors?: unknown }>(
        await fetch(stack.info.graphqlUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.info.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        }),
      );
    const q = await gql('{ schedules { id state pipeline { name version } recentRuns { runId } } }');
    expect(q.errors).toBeUndefined();
    expect(q.data.schedules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id, state: 'paused', pipeline: { name: PIPELINE, version: 1 } }),
      ]),
    );
    const resumed = await gql(
      'mutation ($id: ID!) { resumeSchedule(id: $id, note: "back") { state paused } }',
      { id },
    );
    expect(resumed.data.resumeSchedule).toEqual({ state: 'active', paused: false });
    const count = (await scheduledRuns()).length;
    await until(
      async () => ((await scheduledRuns()).length > count ? true : undefined),
      'a run after resume',
    );
    const pausedAgain = await gql('mutation ($id: ID!) { pauseSchedule(id: $id) { state } }', { id });
    expect(pausedAgain.data.pauseSchedule).toEqual({ state: 'paused' });
  });

  it('a newer version without schedule removes it; the audit trail has every action', async () => {
    const reg = await json<{ schedule: { outcome: string } }>(
      await api('/v1/pipelines', { method: 'POST', json: SCHEDULED(2, false) }),
      201,
    );
    expect(reg.schedule.outcome).toBe('deleted');
    expect(
      (await json<{ items: ScheduleView[] }>(await api('/v1/schedules'))).items.map((s) => s.id),
    ).not.toContain(id);
    expect((await api(`/v1/schedules/${encodeURIComponent(id)}`)).status).toBe(404);
    expect(() => temporal(['schedule', 'describe', '--schedule-id', id])).toThrow();
    // Registering the older version again does not bring it back (the latest version wins).
    const old = await json<{ schedule: { outcome: string } }>(
      await api('/v1/pipelines', { method: 'POST', json: SCHEDULED(1, true) }),
      200,
    );
    expect(old.schedule).toEqual({ outcome: 'superseded', latestVersion: 2 });

    const { Client } = await import('pg');
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const actions = (
        await pg.query<{ action: string }>('SELECT action FROM audit_events WHERE subject = $1 ORDER BY id', [
          id,
        ])
      ).rows.map((r) => r.action);
      expect(actions).toEqual([
        'schedule.created',
        'schedule.paused',
        'schedule.triggered',
        'schedule.resumed',
        'schedule.paused',
        'schedule.deleted',
      ]);
    } finally {
      await pg.end();
    }
  });
});

describe('dead-letter view', () => {
  let failedId: string;

  it('lists runs that failed after their retries, with the failed step and error, newest first', async () => {
    await json(await api('/v1/pipelines', { method: 'POST', json: FAILING }), 201);
    const ids: string[] = [];
    for (const op of ['bogus-1', 'bogus-2']) {
      const run = await json<RunView>(
        await api('/v1/runs', { method: 'POST', json: { pipeline: 'fragile', input: { text: 'hi', op } } }),
        201,
      );
      await waitForRun(run.id, (r) => r.status === 'failed');
      ids.push(run.id);
    }
    failedId = ids[1]!;
    const page = await json<{
      items: (RunView & {
        failedStep: { path: string; attempts: number; error: { message: string } } | null;
        retry: { canReset: boolean };
      })[];
      page: { nextCursor: string | null };
    }>(
      // The run's status can be reconciled from Temporal a moment before the worker's projection
      // has written its failed step: wait for both.
      await until(
        async () => {
          const res = await api('/v1/runs/dead-letter?pipeline=fragile&limit=1');
          const body = (await res.clone().json()) as { items: { failedStep: unknown }[] };
          return body.items[0]?.failedStep ? res : undefined;
        },
        'the failed step in the dead-letter view',
        10_000,
      ),
      200,
    );
    expect(page.items.map((r) => r.id)).toEqual([ids[1]]);
    expect(page.items[0]!.failedStep).toMatchObject({ path: 'transform', attempts: 1 }); // invalid input: not retryable;
    expect(JSON.stringify(page.items[0]!.failedStep!.error)).toContain('op');
    expect(page.items[0]!.error).not.toBeNull();
    expect(page.items[0]!.retry.canReset).toBe(true);
    const next = await json<{ items: RunView[]; page: { nextCursor: string | null } }>(
      await api(`/v1/runs/dead-letter?pipeline=fragile&limit=1&cursor=${page.page.nextCursor}`),
      200,
    );
    expect(next.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(next.page.nextCursor).toBeNull();
    // A cursor of another filter is refused.
    expect((await api(`/v1/runs/dead-letter?limit=1&cursor=${page.page.nextCursor}`)).status).toBe(400);
  });

  it('reruns one with patched input from the view (GraphQL), then reset retries the failed step', async () => {
    const gql = await json<{
      data: { retryRun: { mode: string; retryOf: string; run: { id: string } } };
    }>(
      await fetch(stack.info.graphqlUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.info.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'mutation ($id: ID!) { retryRun(id: $id, mode: "rerun", inputPatch: { op: "upper" }) { mode retryOf run { id } } }',
          variables: { id: failedId },
        }),
      }),
    );
    expect(gql.data.retryRun).toMatchObject({ mode: 'rerun', retryOf: failedId });
    const rerun = await waitForRun(gql.data.retryRun.run.id, (r) => r.status !== 'running');
    expect(rerun.status).toBe('succeeded');
    expect(rerun.output).toMatchObject({ transform: { text: 'HI' } });

    // The view knows it was handled: rerun=no leaves it out; GraphQL shows the same entries.
    const pending = await json<{ items: RunView[] }>(
      await api('/v1/runs/dead-letter?pipeline=fragile&rerun=no'),
    );
    expect(pending.items.map((r) => r.id)).not.toContain(failedId);
    const dl = await json<{
      data: {
        deadLetterRuns: {
          edges: { node: { run: { id: string }; failedStep: { path: string }; rerunBy: string[] } }[];
        };
      };
    }>(
      await fetch(stack.info.graphqlUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.info.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            '{ deadLetterRuns(first: 10, pipeline: "fragile") { edges { node { run { id } failedStep { path } rerunBy } } } }',
        }),
      }),
    );
    const entry = dl.data.deadLetterRuns.edges.find((e) => e.node.run.id === failedId)!;
    expect(entry.node).toMatchObject({ failedStep: { path: 'transform' }, rerunBy: [rerun.id] });

    // Reset (REST): the same run runs again from the failed step (and fails again: same input).
    const reset = await json<{ status: string; retry: { mode: string; failedStep: string } }>(
      await api(`/v1/runs/${encodeURIComponent(failedId)}/retry`, {
        method: 'POST',
        json: { mode: 'reset' },
      }),
      202,
    );
    expect(reset.retry).toMatchObject({ mode: 'reset', failedStep: 'transform' });
    await waitForRun(failedId, (r) => r.status === 'failed');
  });
});

describe('payload encryption', () => {
  const codecUrl = () => stack.info.restUrl.replace(/\/v1$/, '/codec');

  it('keeps run inputs and outputs out of Temporal history in clear while the run works', async () => {
    const run = await json<RunView>(
      await api('/v1/runs', { method: 'POST', json: { pipeline: 'hello', input: { name: secretName } } }),
      201,
    );
    const done = await waitForRun(run.id, (r) => r.status !== 'running');
    expect(done.output).toEqual({
      greeting: `Hello, ${secretName}!`,
      shout: `HELLO, ${secretName.toUpperCase()}!`,
    });
    const raw = temporal(['workflow', 'show', '--workflow-id', run.id, '--output', 'json']);
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
    expect(raw).not.toContain(secretName);
    expect(payloadTexts(raw).some((t) => t.includes(secretName))).toBe(false);
    // Through the gateway's codec endpoint (as the Temporal UI and CLI use it) the history reads in clear.
    const decoded = temporal([
      'workflow',
      'show',
      '--workflow-id',
      run.id,
      '--output',
      'json',
      '--codec-endpoint',
      codecUrl(),
      '--codec-auth',
      `Bearer ${stack.info.apiKey}`,
    ]);
    expect(`${decoded}\n${payloadTexts(decoded).join('\n')}`).toContain(secretName);
  });

  it('round-trips through /codec/encode and /codec/decode; refuses unauthenticated and viewer decode', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from(JSON.stringify({ secret: secretName })).toString('base64'),
    };
    const encoded = await json<{ payloads: { metadata: Record<string, string>; data: string }[] }>(
      await api('/codec/encode', { method: 'POST', json: { payloads: [plain] } }),
      200,
    );
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe(
      'binary/encrypted',
    );
    expect(Buffer.from(encoded.payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe(
      'e2e-2',
    );
    const decoded = await json<{ payloads: unknown[] }>(
      await api('/codec/decode', { method: 'POST', json: encoded }),
      200,
    );
    expect(decoded.payloads).toEqual([plain]);

    const anonymous = await fetch(`${codecUrl()}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(encoded),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain(secretName);

    const viewer = await json<{ token: string }>(
      await api('/v1/api-keys', { method: 'POST', json: { name: 'e2e-viewer', role: 'viewer' } }),
      201,
    );
    const refused = await fetch(`${codecUrl()}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer.token}` },
      body: JSON.stringify(encoded),
    });
    expect(refused.status).toBe(403);
  });

  it('answers CORS preflights from the Temporal UI origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${codecUrl()}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-namespace',
        },
      });
    const ui = new URL(stack.info.temporalUiUrl).origin;
    const ok = await preflight(ui);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ui);
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('https://evil.example.com');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // Errors carry the CORS headers too, so the UI can tell "sign in" from "network error".
    const unauth = await fetch(`${codecUrl()}/decode`, {
      method: 'POST',
      headers: { origin: ui, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('access-control-allow-origin')).toBe(ui);
  });
});
