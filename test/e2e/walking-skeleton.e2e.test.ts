import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  alive,
  spawnDevStack,
  stackPorts,
  startDevStack,
  type RunningStack,
} from '../support/dev-stack-process';
import { portIsBound } from '../support/ports';
import { temporalBinary } from '../support/temporal-binary';

interface RunView {
  id: string;
  status: string;
  output: unknown;
  pipeline: { name: string; version: number };
  links: { temporalUi: string };
  steps: { id: string; path: string; status: string; attempts: number }[];
}

let stack: RunningStack;
let db: TestDatabase;
let api: (path: string, init?: RequestInit) => Promise<Response>;

async function waitForRun(id: string, until: (r: RunView) => boolean, timeoutMs = 60_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await api(`/runs/${id}`)).json()) as RunView;
    if (until(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} stuck in ${run.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function temporalCli(args: string[]): string {
  return execFileSync(temporalBinary(), [...args, '--address', stack.info.temporalAddress], {
    encoding: 'utf8',
  });
}

describe('walking skeleton: Temporal + PostgreSQL + worker + gateway as separate processes', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startDevStack({ DATABASE_URL: db.url });
    api = (path, init = {}) =>
      fetch(`${stack.info.restUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${stack.info.apiKey}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      });
  });

  afterAll(async () => {
    if (stack && stack.process.exitCode === null) await stack.stop();
    await db?.drop();
  });

  it('registers the example pipelines at start', async () => {
    const res = await api('/pipelines');
    expect(res.status).toBe(200);
    const names = ((await res.json()) as { items: { name: string }[] }).items.map((p) => p.name);
    expect(names).toContain('hello');
  });

  it('runs the hello pipeline end to end through REST', async () => {
    const res = await api('/runs', {
      method: 'POST',
      body: JSON.stringify({ pipeline: 'hello', input: { name: 'Ada' } }),
    });
    expect(res.status).toBe(201);
    const started = (await res.json()) as RunView;
    expect(started.id).toMatch(/^hello-\d{8}-[a-z0-9]{8}$/);
    expect(res.headers.get('location')).toBe(`/v1/runs/${started.id}`);

    const done = await waitForRun(started.id, (r) => r.status !== 'running');
    expect(done.status).toBe('succeeded');
    expect(done.output).toEqual({ greeting: 'Hello, Ada!', shout: 'HELLO, ADA!' });
    expect(done.pipeline).toEqual(expect.objectContaining({ name: 'hello', version: 1 }));
    expect(done.links.temporalUi).toBe(
      `${stack.info.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(started.id)}`,
    );
    expect(done.steps.map((s) => [s.path, s.status, s.attempts])).toEqual([
      ['greet', 'succeeded', 1],
      ['shout', 'succeeded', 1],
    ]);

    // Visible to operators in Temporal: search attributes, activity names and step summaries.
    const listed = temporalCli([
      'workflow',
      'list',
      '--query',
      `FlowgatePipeline = 'hello' AND FlowgatePipelineVersion = 1`,
    ]);
    expect(listed).toContain(started.id);
    expect(listed).toContain('runPipeline');
    const history = JSON.parse(
      temporalCli(['workflow', 'show', '--workflow-id', started.id, '--output', 'json']),
    ) as {
      events: {
        eventType: string;
        activityTaskScheduledEventAttributes?: { activityType: { name: string } };
        userMetadata?: { summary?: { data: string } };
      }[];
    };
    const scheduled = history.events.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType.name)).toEqual([
      'core.echo',
      'text.transform',
    ]);
    const summaries = scheduled.map(
      (e) => JSON.parse(Buffer.from(e.userMetadata!.summary!.data, 'base64').toString('utf8')) as string,
    );
    expect(summaries).toEqual(['greet', 'shout']);
  });

  it('answers the run over GraphQL', async () => {
    const started = (await (
      await api('/runs', {
        method: 'POST',
        body: JSON.stringify({ pipeline: 'hello@1', input: { name: 'Grace' } }),
      })
    ).json()) as RunView;
    await waitForRun(started.id, (r) => r.status === 'succeeded');
    const res = await fetch(stack.info.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.info.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($id: ID!) { run(id: $id) { id status output steps { id status } } }',
        variables: { id: started.id },
      }),
    });
    const body = (await res.json()) as {
      data: { run: { id: string; status: string; output: unknown; steps: { id: string }[] } };
    };
    expect(body.data.run).toEqual(
      expect.objectContaining({
        id: started.id,
        status: 'succeeded',
        output: { greeting: 'Hello, Grace!', shout: 'HELLO, GRACE!' },
      }),
    );
    expect(body.data.run.steps.map((s) => s.id)).toEqual(['greet', 'shout']);
  });

  it('refuses bad requests with problem+json and starts nothing', async () => {
    const anonymous = await fetch(`${stack.info.restUrl}/runs/whatever`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');

    const unknown = await api('/runs', {
      method: 'POST',
      body: JSON.stringify({ pipeline: 'nope', input: {} }),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('not_found');

    const badInput = await api('/runs', {
      method: 'POST',
      body: JSON.stringify({ pipeline: 'hello', input: { name: 42 } }),
    });
    expect(badInput.status).toBe(400);
    const problem = (await badInput.json()) as { code: string; errors: { path: string }[] };
    expect(problem.code).toBe('invalid_input');
    expect(problem.errors[0]!.path).toContain('name');

    const badBody = await api('/runs', { method: 'POST', body: JSON.stringify({ pipelin: 'hello' }) });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { code: string }).code).toBe('validation_failed');

    const missing = await api('/runs/hello-20260101-zzzzzzzz');
    expect(missing.status).toBe(404);
  });

  it('restarts a worker that was killed, and runs still complete', async () => {
    const old = stack.info.pids['worker-1']!;
    process.kill(old, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let restarted: { name: string; pid: number } | undefined;
    while (!restarted && Date.now() < deadline) {
      const line = stack.output.find((l) => l.startsWith('FLOWGATE_RESTARTED '));
      if (line)
        restarted = JSON.parse(line.slice('FLOWGATE_RESTARTED '.length)) as { name: string; pid: number };
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(restarted?.name).toBe('worker-1');
    expect(restarted?.pid).not.toBe(old);
    stack.info.pids['worker-1'] = restarted!.pid;

    const res = await api('/runs', {
      method: 'POST',
      body: JSON.stringify({ pipeline: 'hello', input: { name: 'Lin' } }),
    });
    const started = (await res.json()) as RunView;
    const done = await waitForRun(started.id, (r) => r.status !== 'running');
    expect(done.output).toEqual({ greeting: 'Hello, Lin!', shout: 'HELLO, LIN!' });
  });

  it('stops every process and frees every port on SIGTERM', async () => {
    const pids = Object.values(stack.info.pids);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    const code = await stack.stop();
    expect(code).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    for (const port of Object.values(stack.ports)) expect(await portIsBound(port)).toBe(false);
  });
});

describe('dev stack start-up errors', () => {
  it('names the port and the variable when a port is taken', async () => {
    const blocker = createServer();
    const ports = await stackPorts();
    await new Promise<void>((r) => blocker.listen(ports.gateway, '127.0.0.1', r));
    try {
      const { output, exit } = spawnDevStack({
        PORT: String(ports.gateway),
        TEMPORAL_PORT: String(ports.temporal),
        TEMPORAL_UI_PORT: String(ports.ui),
        FLOWGATE_PG_PORT: String(ports.postgres),
      });
      expect(await exit).toBe(1);
      expect(output.join('\n')).toContain(`port ${ports.gateway} (gateway) is already in use`);
      expect(output.join('\n')).toContain('set PORT to a free port');
    } finally {
      blocker.close();
    }
  });

  it('lists every bad variable at once', async () => {
    const { output, exit } = spawnDevStack({ PORT: 'abc', TEMPORAL_PORT: '99999', LOG_LEVEL: 'loud' });
    expect(await exit).toBe(1);
    const text = output.join('\n');
    expect(text).toContain('PORT');
    expect(text).toContain('TEMPORAL_PORT');
    expect(text).toContain('LOG_LEVEL');
    expect(text).not.toMatch(/\n\s+at /);
  });
});
