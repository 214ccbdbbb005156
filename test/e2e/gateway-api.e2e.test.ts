import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ClientError, gql } from 'graphql-request';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repoRoot, startDevStack, type RunningStack } from '../support/dev-stack-process';
import {
  eventually,
  graphqlClient,
  readSse,
  restClient,
  subscriptionClient,
} from '../support/gateway-client';

/**
 * The gateway end to end: one real stack (Temporal dev server, PostgreSQL, worker, gateway as
 * processes), driven over HTTP with plain fetch, graphql-request and graphql-ws.
 */

interface RunView {
  id: string;
  status: string;
  input: unknown;
  output: unknown;
  error: { type: string; message: string } | null;
  retryOf: string | null;
  links: { self: string; temporalUi: string };
  steps?: { path: string; status: string; attempts: number }[];
}
interface Problem {
  code: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}
interface CreatedKey {
  id: string;
  token: string;
  prefix: string;
  tenant: string;
  role: string;
}

const PIPELINES = {
  short: `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: gw-short, version: 1, tags: [gw-e2e] }
spec:
  steps:
    - { id: pause, wait: { duration: 1500ms } }
    - { id: echo, uses: core.echo, with: { done: true } }
`,
  slow: `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: gw-slow, version: 1, tags: [gw-e2e] }
spec:
  steps:
    - { id: pause, wait: { duration: 10m } }
`,
  // Fails in its second step unless \`input.op\` is a text.transform operation; a rerun with a patched input succeeds.
  flaky: `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: gw-flaky, version: 1, tags: [gw-e2e, flaky] }
spec:
  input: { type: object, required: [op], properties: { op: { type: string } } }
  steps:
    - { id: first, uses: core.echo, with: { ok: true } }
    - id: upper
      uses: text.transform
      with: { text: hi, op: '\${ input.op }' }
      retry: { maxAttempts: 1 }
`,
};

let stack: RunningStack;
let db: TestDatabase;
let admin: ReturnType<typeof restClient>;
const keys: Record<'viewer' | 'approver' | 'acme' | 'limited', CreatedKey> = {} as never;
const as = (key: CreatedKey) => restClient(stack.info.restUrl, key.token);
const json = async <T>(res: Response) => (await res.json()) as T;

async function startRun(pipeline: string, input: unknown = {}, api = admin): Promise<RunView> {
  const res = await api('/runs', { method: 'POST', json: { pipeline, input } });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<RunView>(res);
}

async function runUntil(id: string, until: (r: RunView) => boolean, timeoutMs = 60_000): Promise<RunView> {
  return eventually(
    async () => {
      const run = await json<RunView>(await admin(`/runs/${encodeURIComponent(id)}`));
      return until(run) ? run : undefined;
    },
    timeoutMs,
    `run ${id}`,
  );
}

async function createKey(body: Record<string, unknown>): Promise<CreatedKey> {
  const res = await admin('/api-keys', { method: 'POST', json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<CreatedKey>(res);
}

beforeAll(async () => {
  db = await createTestDatabase();
  stack = await startDevStack({
    DATABASE_URL: db.url,
    FLOWGATE_SQL_STATEMENT_HEADER: 'true',
    FLOWGATE_SSE_HEARTBEAT_MS: '300',
  });
  admin = restClient(stack.info.restUrl, stack.info.apiKey);
  for (const text of Object.values(PIPELINES)) {
    const res = await admin('/pipelines', {
      method: 'POST',
      body: text,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  keys.viewer = await createKey({ name: 'e2e-viewer', role: 'viewer' });
  keys.approver = await createKey({ name: 'e2e-approver', role: 'approver', groups: ['support-lead'] });
  keys.acme = await createKey({ name: 'acme-operator', role: 'operator', tenant: 'acme' });
  keys.limited = await createKey({ name: 'e2e-limited', role: 'viewer', rateLimitPerMinute: 5 });
});

afterAll(async () => {
  if (stack && stack.process.exitCode === null) await stack.stop();
  await db?.drop();
});

describe('API keys', () => {
  it('returns the token once and lists prefixes only', async () => {
    expect(keys.viewer.token).toMatch(/^fgk_[a-z0-9]{10}_/);
    const listed = await json<{ items: Record<string, unknown>[] }>(await admin('/api-keys'));
    const viewer = listed.items.find((k) => k.id === keys.viewer.id)!;
    expect(viewer).toEqual(
      expect.objectContaining({
        prefix: keys.viewer.prefix,
        role: 'viewer',
        tenant: 'default',
        groups: [],
        revokedAt: null,
      }),
    );
    expect(listed.items.find((k) => k.id === keys.approver.id)?.groups).toEqual(['support-lead']);
    expect(JSON.stringify(listed)).not.toContain(keys.viewer.token);
    expect(Object.keys(viewer)).not.toContain('hash');
    // acme's key is not listed in the default tenant, but the system tenant's admin may ask for it.
    expect(listed.items.some((k) => k.id === keys.acme.id)).toBe(false);
    const acme = await json<{ items: { id: string }[] }>(await admin('/api-keys?tenant=acme'));
    expect(acme.items.map((k) => k.id)).toContain(keys.acme.id);
  });

  it('is admin-only and revocation takes effect at once', async () => {
    const denied = await as(keys.viewer)('/api-keys', { method: 'POST', json: { name: 'x', role: 'admin' } });
    expect(denied.status).toBe(403);
    expect((await json<Problem>(denied)).code).toBe('forbidden');
    const crossTenant = await as(keys.acme)('/api-keys');
    expect(crossTenant.status).toBe(403);

    const doomed = await createKey({ name: 'doomed', role: 'viewer' });
    expect((await as(doomed)('/runs')).status).toBe(200); // now cached by the gateway
    const revoked = await admin(`/api-keys/${doomed.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect((await json<{ revokedAt: string | null }>(revoked)).revokedAt).not.toBeNull();
    const after = await as(doomed)('/runs');
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
    expect((await admin('/api-keys/00000000-0000-0000-0000-000000000000', { method: 'DELETE' })).status).toBe(
      404,
    );
  });
});

describe('roles and tenants', () => {
  let run: RunView;
  beforeAll(async () => {
    run = await startRun('hello', { name: 'Tenant' });
  });

  it('lets a viewer read but not write', async () => {
    const viewer = as(keys.viewer);
    expect((await viewer(`/runs/${run.id}`)).status).toBe(200);
    const res = await viewer('/runs', { method: 'POST', json: { pipeline: 'hello', input: { name: 'x' } } });
    expect(res.status).toBe(403);
    expect(await json<Problem>(res)).toEqual(expect.objectContaining({ code: 'forbidden', status: 403 }));
    const gql403 = await graphqlClient(stack.info.graphqlUrl, keys.viewer.token)
      .request(gql`
        mutation {
          startRun(input: { pipeline: "hello", input: { name: "x" } }) {
            id
          }
        }
      `)
      .catch((e: ClientError) => e);
    expect((gql403 as ClientError).response.errors?.[0]?.extensions?.code).toBe('forbidden');
  });

  it('hides another tenant’s runs and pipelines as 404, on every route and in GraphQL', async () => {
    const acme = as(keys.acme);
    for (const [path, init] of [
      [`/runs/${run.id}`, {}],
      [`/runs/${run.id}/events`, {}],
      [`/runs/${run.id}/cancel`, { method: 'POST' }],
      [`/runs/${run.id}/retry`, { method: 'POST', json: { mode: 'rerun' } }],
      ['/pipelines/hello', {}],
    ] as const) {
      const res = await acme(path, init);
      expect(res.status, path).toBe(404);
      expect((await json<Problem>(res)).code).toBe('not_found');
    }
    const startForeign = await acme('/runs', {
      method: 'POST',
      json: { pipeline: 'hello', input: { name: 'x' } },
    });
    expect(startForeign.status).toBe(404);
    const listed = await json<{ items: RunView[] }>(await acme('/runs'));
    expect(listed.items).toEqual([]);

    const client = graphqlClient(stack.info.graphqlUrl, keys.acme.token);
    const err = (await client
      .request(
        gql`
          query ($id: ID!) {
            run(id: $id) {
              id
            }
          }
        `,
        { id: run.id },
      )
      .catch((e: unknown) => e)) as ClientError;
    expect(err.response.errors?.[0]?.extensions?.code).toBe('not_found');
    const page = await client.request<{ runs: { edges: unknown[] }; pipelines: unknown[] }>(gql`
      {
        runs {
          edges {
            cursor
          }
        }
        pipelines {
          name
        }
      }
    `);
    expect(page.runs.edges).toEqual([]);
    expect(page.pipelines).toEqual([]);
  });

  it('lets an approver resume but not start; resume refuses ended runs', async () => {
    const approver = as(keys.approver);
    await runUntil(run.id, (r) => r.status === 'succeeded');
    const res = await approver(`/runs/${run.id}/resume`, {
      method: 'POST',
      json: { stepId: 'greet', decision: 'approve', comment: 'ok' },
    });
    expect(res.status).toBe(409);
    expect((await json<Problem>(res)).code).toBe('invalid_run_state');
    const byViewer = await as(keys.viewer)(`/runs/${run.id}/resume`, {
      method: 'POST',
      json: { stepId: 'greet', decision: 'approve' },
    });
    expect(byViewer.status).toBe(403);
  });
});

describe('runs list', () => {
  const started: string[] = [];
  let since = '';
  beforeAll(async () => {
    since = new Date().toISOString();
    for (let i = 0; i < 5; i++) started.push((await startRun('hello', { name: `Page ${i}` })).id);
  });

  it('pages with opaque cursors, newest first, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: URLSearchParams = new URLSearchParams({
        pipeline: 'hello',
        limit: '2',
        createdAfter: since,
        ...(cursor ? { cursor } : {}),
      });
      const page: { items: RunView[]; page: { nextCursor: string | null; hasMore: boolean } } = await json<{
        items: RunView[];
        page: { nextCursor: string | null; hasMore: boolean };
      }>(await admin(`/runs?${query}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...started].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by status, pipeline and tag; refuses bad filters and foreign cursors', async () => {
    await runUntil(started[4]!, (r) => r.status === 'succeeded');
    const succeeded = await json<{ items: RunView[] }>(
      await admin(`/runs?status=succeeded&pipeline=hello&createdAfter=${encodeURIComponent(since)}`),
    );
    expect(succeeded.items.length).toBeGreaterThan(0);
    expect(succeeded.items.every((r) => r.status === 'succeeded')).toBe(true);
    const tagged = await json<{ items: RunView[] }>(await admin('/runs?tag=flaky'));
    expect(tagged.items.every((r) => (r as unknown as { tags: string[] }).tags.includes('flaky'))).toBe(true);
    const none = await json<{ items: RunView[] }>(
      await admin(`/runs?createdBefore=${encodeURIComponent(since)}&pipeline=hello&tag=nope`),
    );
    expect(none.items).toEqual([]);

    const bad = await admin('/runs?status=done&limit=1000');
    expect(bad.status).toBe(400);
    expect((await json<Problem>(bad)).errors?.map((e) => e.path).sort()).toEqual([
      'query.limit',
      'query.status.0',
    ]);
    const first = await json<{ page: { nextCursor: string } }>(await admin('/runs?limit=1&pipeline=hello'));
    const foreign = await admin(`/runs?limit=1&pipeline=gw-short&cursor=${first.page.nextCursor}`);
    expect(foreign.status).toBe(400);
    expect((await admin('/runs?cursor=garbage')).status).toBe(400);
  });

  it('is a Relay connection in GraphQL', async () => {
    const client = graphqlClient(stack.info.graphqlUrl, stack.info.apiKey);
    const query = gql`
      query ($after: String) {
        runs(first: 3, after: $after, filter: { pipeline: "hello", createdAfter: "${since}" }) {
          edges { cursor node { id status temporalUrl pipeline { name } } }
          pageInfo { hasNextPage endCursor }
        }
      }
    `;
    type Page = {
      runs: {
        edges: { cursor: string; node: { id: string; temporalUrl: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const one = await client.request<Page>(query, { after: null });
    expect(one.runs.edges).toHaveLength(3);
    expect(one.runs.pageInfo.hasNextPage).toBe(true);
    expect(one.runs.edges[0]!.node.temporalUrl).toContain(`/workflows/${one.runs.edges[0]!.node.id}`);
    const two = await client.request<Page>(query, { after: one.runs.pageInfo.endCursor });
    expect([...one.runs.edges, ...two.runs.edges].map((e) => e.node.id)).toEqual([...started].reverse());
    expect(two.runs.pageInfo.hasNextPage).toBe(false);
  });
});

describe('idempotency', () => {
  it('answers 50 concurrent identical requests with one run: one 201, the rest 200', async () => {
    const body = { pipeline: 'hello', input: { name: 'Once' } };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        admin('/runs', { method: 'POST', json: body, headers: { 'idempotency-key': 'e2e-concurrent-1' } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    const ids = new Set(await Promise.all(responses.map(async (r) => (await json<RunView>(r)).id)));
    expect(ids.size).toBe(1);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const [id] = [...ids];
    const list = await json<{ items: RunView[] }>(await admin(`/runs?pipeline=hello&limit=100`));
    expect(list.items.filter((r) => (r.input as { name?: string }).name === 'Once')).toHaveLength(1);

    const conflict = await admin('/runs', {
      method: 'POST',
      json: { ...body, input: { name: 'Twice' } },
      headers: { 'idempotency-key': 'e2e-concurrent-1' },
    });
    expect(conflict.status).toBe(409);
    expect((await json<Problem>(conflict)).code).toBe('idempotency_conflict');
    const replay = await admin('/runs', {
      method: 'POST',
      json: body,
      headers: { 'idempotency-key': 'e2e-concurrent-1' },
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<RunView>(replay)).id).toBe(id);
  });
});

describe('cancel and retry', () => {
  it('cancels a running run (202), then refuses a second cancel (409)', async () => {
    const run = await startRun('gw-slow');
    const res = await admin(`/runs/${run.id}/cancel`, { method: 'POST', json: { reason: 'e2e' } });
    expect(res.status).toBe(202);
    expect(await json<{ cancelRequested: boolean }>(res)).toEqual(
      expect.objectContaining({ cancelRequested: true, id: run.id }),
    );
    await runUntil(run.id, (r) => r.status === 'cancelled', 30_000);
    const again = await admin(`/runs/${run.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await json<Problem>(again)).code).toBe('invalid_run_state');
  });

  it('reruns with a JSON-merge-patched input, linked to the original', async () => {
    const run = await startRun('gw-flaky', { op: 'bogus', keep: 'me' });
    const failed = await runUntil(run.id, (r) => r.status === 'failed');
    expect(failed.error).not.toBeNull();

    const busy = await startRun('gw-slow');
    const refused = await admin(`/runs/${busy.id}/retry`, { method: 'POST', json: { mode: 'rerun' } });
    expect(refused.status).toBe(409);
    await admin(`/runs/${busy.id}/cancel`, { method: 'POST' });

    const res = await admin(`/runs/${run.id}/retry`, {
      method: 'POST',
      json: { mode: 'rerun', inputPatch: { op: 'upper' } },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const rerun = await json<RunView & { retry: { mode: string; retryOf: string } }>(res);
    expect(rerun.id).not.toBe(run.id);
    expect(rerun.retryOf).toBe(run.id);
    expect(rerun.input).toEqual({ op: 'upper', keep: 'me' });
    const done = await runUntil(rerun.id, (r) => r.status !== 'running');
    expect(done.status).toBe('succeeded');
  });

  it('resets a failed run to the workflow task before the failed step', async () => {
    const run = await startRun('gw-flaky', { op: 'sideways' });
    await runUntil(run.id, (r) => r.status === 'failed');
    const res = await admin(`/runs/${run.id}/retry`, {
      method: 'POST',
      json: { mode: 'reset', reason: 'e2e reset' },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const reset = await json<
      RunView & { retry: { mode: string; failedStep: string; resetToEventId: number; temporalRunId: string } }
    >(res);
    expect(reset.id).toBe(run.id);
    expect(reset.retry).toEqual(expect.objectContaining({ mode: 'reset', failedStep: 'upper' }));
    expect(reset.retry.resetToEventId).toBeGreaterThan(0);
    // Same input, so the step fails again: in a new Temporal execution of the same run.
    const again = await runUntil(run.id, (r) => r.status === 'failed');
    expect(again.id).toBe(run.id);
    const notFailed = await startRun('hello', { name: 'ok' });
    await runUntil(notFailed.id, (r) => r.status === 'succeeded');
    const refused = await admin(`/runs/${notFailed.id}/retry`, { method: 'POST', json: { mode: 'reset' } });
    expect(refused.status).toBe(409);
    const badBody = await admin(`/runs/${notFailed.id}/retry`, {
      method: 'POST',
      json: { mode: 'reset', inputPatch: { a: 1 } },
    });
    expect(badBody.status).toBe(400);
  });
});

describe('following a run', () => {
  it('streams server-sent events: snapshot, changes, heartbeats, end, then closes', async () => {
    const run = await startRun('gw-short');
    const sse = await readSse(`${stack.info.restUrl}/runs/${run.id}/events`, stack.info.apiKey);
    expect(sse.status).toBe(200);
    expect(sse.contentType).toContain('text/event-stream');
    expect(sse.closedByServer).toBe(true);
    const events = sse.messages.map((m) => m.event);
    expect(events[0]).toBe('snapshot');
    expect(events[events.length - 1]).toBe('end');
    expect(sse.messages[sse.messages.length - 1]!.data).toEqual({ runId: run.id, status: 'succeeded' });
    expect(events).toContain('step');
    expect(sse.comments).toContain('heartbeat');

    // A finished run: the snapshot and the end, at once.
    const done = await readSse(`${stack.info.restUrl}/runs/${run.id}/events`, stack.info.apiKey, 5_000);
    expect(done.messages.map((m) => m.event)).toEqual(['snapshot', 'end']);
  });

  it('pushes runUpdated over graphql-ws until the run ends', async () => {
    const run = await startRun('gw-short');
    const ws = subscriptionClient(stack.info.graphqlUrl, stack.info.apiKey);
    try {
      const updates: { status: string; steps: { path: string; status: string }[] }[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.subscribe<{ runUpdated: (typeof updates)[number] }>(
          {
            query: `subscription ($id: ID!) { runUpdated(id: $id) { id status steps(flat: true) { path status } } }`,
            variables: { id: run.id },
          },
          {
            next: (msg) =>
              msg.errors ? reject(new Error(JSON.stringify(msg.errors))) : updates.push(msg.data!.runUpdated),
            error: reject,
            complete: resolve,
          },
        );
      });
      expect(updates.length).toBeGreaterThanOrEqual(2);
      expect(updates[0]!.status).toBe('running');
      expect(updates[updates.length - 1]!.status).toBe('succeeded');
      expect(updates[updates.length - 1]!.steps.map((s) => s.path)).toContain('echo');

      const acmeWs = subscriptionClient(stack.info.graphqlUrl, keys.acme.token);
      const foreign = await new Promise<unknown>((resolve) => {
        acmeWs.subscribe(
          { query: `subscription ($id: ID!) { runUpdated(id: $id) { id } }`, variables: { id: run.id } },
          { next: resolve, error: resolve, complete: () => resolve('complete') },
        );
      });
      expect(JSON.stringify(foreign)).toMatch(/not.found/);
      await acmeWs.dispose();
    } finally {
      await ws.dispose();
    }
  });
});

describe('GraphQL limits and batching', () => {
  it('refuses too deep and too complex queries before running them', async () => {
    const client = graphqlClient(stack.info.graphqlUrl, stack.info.apiKey);
    const deep = `{ run(id: "x") { steps { ${'children { '.repeat(10)}path${' }'.repeat(10)} } } }`;
    const deepErr = (await client.request(deep).catch((e: unknown) => e)) as ClientError;
    expect(deepErr.response.errors?.[0]?.extensions?.code).toBe('query_too_deep');
    expect(deepErr.response.data ?? null).toBeNull();

    const fields = 'id status input output error tags submittedBy createdAt updatedAt finishedAt temporalUrl';
    const aliases = Array.from(
      { length: 3 },
      (_, i) =>
        `r${i}: runs(first: 100) { edges { cursor node { ${fields} pipeline { name version digest } } } }`,
    ).join(' ');
    const complexErr = (await client.request(`{ ${aliases} }`).catch((e: unknown) => e)) as ClientError;
    expect(complexErr.response.errors?.[0]?.extensions?.code).toBe('query_too_complex');
    // Nothing ran: a refused query never reaches a resolver, so it costs no SQL statement.
    const raw = await fetch(stack.info.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.info.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${aliases} }` }),
    });
    expect(raw.headers.get('x-flowgate-sql-statements')).toBe('0');
  });

  it('resolves a 5,000-step run tree with attempts in at most 5 SQL statements', async () => {
    const runId = 'gw-big-20260101-tree5000';
    const pg = new PgClient({ connectionString: stack.info.databaseUrl });
    await pg.connect();
    try {
      await pg.query(
        `INSERT INTO runs (id, tenant, pipeline_name, pipeline_version, digest, status, input, submitted_by, finished_at)
         VALUES ($1, 'default', 'gw-big', 1, 'd', 'succeeded', '{}', 'e2e', now())`,
        [runId],
      );
      await pg.query(
        `INSERT INTO step_runs (run_id, path, step_id, kind, status, attempts, started_at)
         SELECT $1, 'fan', 'fan', 'map', 'succeeded', 1, now()
         UNION ALL
         SELECT $1, 'fan[' || i || ']/work', 'work', 'uses', 'succeeded', 2, now() FROM generate_series(0, 4998) AS i`,
        [runId],
      );
      await pg.query(
        `INSERT INTO attempts (run_id, path, attempt, status, worker)
         SELECT run_id, path, a, CASE WHEN a = 1 THEN 'failed' ELSE 'succeeded' END, 'w' FROM step_runs, generate_series(1, 2) AS a
          WHERE run_id = $1 AND kind = 'uses'`,
        [runId],
      );
    } finally {
      await pg.end();
    }
    const query = `query ($id: ID!) { run(id: $id) { id status steps { path status attempts { attempt status }
      children { path parentPath status attemptCount attempts { attempt status worker } } } approvals { id } policyDecisions { id } childRuns { id } parentRun { id } } }`;
    const post = () =>
      fetch(stack.info.graphqlUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.info.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { id: runId } }),
      });
    await post(); // warm the key cache
    const res = await post();
    const body = (await res.json()) as {
      data: {
        run: {
          steps: { path: string; children: { path: string; parentPath: string; attempts: unknown[] }[] }[];
        };
      };
    };
    const statements = Number(res.headers.get('x-flowgate-sql-statements'));
    expect(body.data.run.steps).toHaveLength(1);
    expect(body.data.run.steps[0]!.children).toHaveLength(4999);
    expect(body.data.run.steps[0]!.children[17]).toEqual(
      expect.objectContaining({ parentPath: 'fan', attempts: expect.any(Array) }),
    );
    expect(body.data.run.steps[0]!.children.every((c) => c.attempts.length === 2)).toBe(true);
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(5);
  });
});

describe('projection', () => {
  it('`flowgate admin reproject` rebuilds a run’s projection from Temporal history', async () => {
    const run = await startRun('hello', { name: 'Reproject' });
    const done = await runUntil(run.id, (r) => r.status === 'succeeded' && (r.steps?.length ?? 0) === 2);
    const pg = new PgClient({ connectionString: stack.info.databaseUrl });
    await pg.connect();
    await pg.query(`DELETE FROM step_runs WHERE run_id = $1`, [run.id]);
    await pg.query(`UPDATE runs SET output = NULL WHERE id = $1`, [run.id]);
    await pg.end();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot, 'apps', 'cli', 'dist', 'main.js'), 'admin', 'reproject', run.id],
      {
        env: {
          ...process.env,
          DATABASE_URL: stack.info.databaseUrl,
          TEMPORAL_ADDRESS: stack.info.temporalAddress,
          LOG_LEVEL: 'warn',
        },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual(
      expect.objectContaining({ runId: run.id, status: 'succeeded', steps: 2 }),
    );
    const rebuilt = await json<RunView>(await admin(`/runs/${run.id}`));
    expect(rebuilt.output).toEqual(done.output);
    expect(rebuilt.steps?.map((s) => [s.path, s.status, s.attempts])).toEqual([
      ['greet', 'succeeded', 1],
      ['shout', 'succeeded', 1],
    ]);
    expect(rebuilt.links.temporalUi).toContain(`/workflows/${run.id}`);
  });
});

describe('large outputs by reference', () => {
  // core.echo returns its ~400 KB input: above 256 KB, so the worker stores it as a blob and the
  // history (and the run output in PostgreSQL) hold only a reference.
  const document = {
    apiVersion: 'flowgate/v1',
    kind: 'Pipeline',
    metadata: { name: 'gw-large-output', version: 1 },
    spec: {
      steps: [{ id: 'echo', uses: 'core.echo', with: { text: '${ input.text }' } }],
      output: "${ { 'doc': steps.echo.output, 'size': steps.echo.output.size } }",
    },
  };
  const text = 'lorem ipsum '.repeat(35_000);

  it('resolves references in GET /v1/runs/:id and GraphQL, serves the blob, hides it from other tenants', async () => {
    const res = await admin('/runs', { method: 'POST', json: { pipeline: document, input: { text } } });
    expect(res.status, await res.clone().text()).toBe(201);
    const started = await json<RunView>(res);
    const done = await runUntil(started.id, (r) => r.status === 'succeeded' || r.status === 'failed');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const bytes = Buffer.byteLength(JSON.stringify({ text }));
    // The caller gets the value; the expression saw the reference (its size).
    expect(done.output).toEqual({ doc: { text }, size: bytes });

    // Stored: a reference in the projection, the value in `blobs`.
    const pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    let blobId: string;
    try {
      const row = (await pg.query('SELECT output FROM runs WHERE id = $1', [started.id])).rows[0] as {
        output: { doc: { $ref: string; size: number; sha256: string; preview: string } };
      };
      expect(row.output.doc).toMatchObject({ $ref: expect.stringMatching(/^blob:/), size: bytes });
      blobId = row.output.doc.$ref.slice('blob:'.length);
    } finally {
      await pg.end();
    }

    const blob = await admin(`/runs/${started.id}/blobs/${blobId}`);
    expect(blob.status).toBe(200);
    expect(blob.headers.get('content-type')).toContain('application/json');
    expect(await blob.json()).toEqual({ text });
    expect((await admin(`/runs/${started.id}/blobs/nope`)).status).toBe(404);
    expect((await as(keys.acme)(`/runs/${started.id}/blobs/${blobId}`)).status).toBe(404);

    const client = graphqlClient(stack.info.graphqlUrl, stack.info.apiKey);
    const viaGql = await client.request<{ run: { output: unknown } }>(
      gql`
        query ($id: ID!) {
          run(id: $id) {
            output
          }
        }
      `,
      { id: started.id },
    );
    expect(viaGql.run.output).toEqual({ doc: { text }, size: bytes });
  });
});

describe('limits and documents', () => {
  it('rate-limits per key with 429 problem+json and Retry-After', async () => {
    const limited = as(keys.limited);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      last = await limited('/pipelines');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    expect(statuses[5]).toBe(429);
    expect(last!.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json<Problem>(last!)).code).toBe('rate_limited');
    // Other keys are not affected.
    expect((await as(keys.viewer)('/pipelines')).status).toBe(200);
  });

  it('refuses bodies over the limit with 413 problem+json', async () => {
    const res = await admin('/runs', {
      method: 'POST',
      json: { pipeline: 'hello', input: { name: 'x'.repeat(1_100_000) } },
    });
    expect(res.status).toBe(413);
    expect((await json<Problem>(res)).code).toBe('payload_too_large');
  });

  it('serves the OpenAPI 3.1 document and the docs page without a key', async () => {
    const doc = await json<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>>;
    }>(await fetch(`${stack.info.restUrl.replace(/\/v1$/, '')}/openapi.json`));
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/runs',
      '/v1/runs/{id}',
      '/v1/runs/{id}/events',
      '/v1/runs/{id}/cancel',
      '/v1/runs/{id}/retry',
      '/v1/runs/{id}/resume',
      '/v1/runs/{id}/blobs/{blobId}',
      '/v1/approvals',
      '/v1/api-keys/{id}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    // Resume is the update-based handler (200 with the step's state), not the old signal (202).
    const resume = doc.paths['/v1/runs/{id}/resume']!.post! as { responses?: Record<string, unknown> };
    expect(Object.keys(resume.responses ?? {})).toEqual(expect.arrayContaining(['200', '403', '404', '409']));
    expect(Object.keys(resume.responses ?? {})).not.toContain('202');
    expect(doc.paths['/v1/runs']!.get!.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['status', 'pipeline', 'tag', 'cursor']),
    );
    const page = await fetch(`${stack.info.restUrl.replace(/\/v1$/, '')}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/v1/runs/{id}/retry');
  });
});
