import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext, type CommandEnv } from '../src/client/command-kit';
import { type GatewayProblemError, GatewayUnreachableError } from '../src/client/errors';
import { GatewayClient } from '../src/client/gateway-client';
import type { RunView } from '../src/client/gateway.types';
import type { Io } from '../src/client/output';
import { followRun } from '../src/client/run-follow';
import { parseSse } from '../src/client/sse';
import { runCommand } from '../src/commands/run.command';
import { validateCommand } from '../src/commands/validate.command';

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

function fakeFetch(handler: Handler): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const f = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push(`${init.method ?? 'GET'} ${url.pathname}${url.search}`);
    return handler(url, init);
  }) as typeof fetch & { calls: string[] };
  f.calls = calls;
  return f;
}

function bufferIo(isTTY = false): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY,
    color: false,
    columns: 100,
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

const config = { url: 'http://gw.test', apiKey: 'fgk_test_key', sources: { url: 'flag' as const } };
const work = mkdtempSync(join(tmpdir(), 'fg-cli-client-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = (io: Io, fetchImpl: typeof fetch): CommandEnv => ({
  io,
  env: {},
  cwd: work,
  home: work,
  fetch: fetchImpl,
});

const runView = (status: string, steps: RunView['steps'] = []): RunView => ({
  id: 'hello-20261121-abcdefgh',
  status,
  pipeline: { name: 'hello', version: 1 },
  steps,
  ...(status === 'succeeded' ? { output: { ok: true } } : {}),
});

describe('gateway client', () => {
  it('sends the key and parses JSON', async () => {
    let auth: string | undefined;
    const f = fakeFetch((_url, init) => {
      auth = (init.headers as Record<string, string>).authorization;
      return json(200, { items: [] });
    });
    await expect(new GatewayClient(config, f).pipelines()).resolves.toEqual({ items: [] });
    expect(auth).toBe('Bearer fgk_test_key');
  });

  it('turns connection failures into "unreachable" (exit 3)', async () => {
    const f = fakeFetch(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const error = await new GatewayClient(config, f).run('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayUnreachableError);
    expect((error as GatewayUnreachableError).message).toBe(
      'cannot reach the Flowgate gateway at http://gw.test (connection refused)',
    );
    expect((error as GatewayUnreachableError).exitCode).toBe(3);
  });

  it('turns problem+json answers (and non-JSON ones) into GatewayProblemError', async () => {
    const f = fakeFetch((url) =>
      url.pathname === '/v1/runs/a'
        ? json(404, { title: 'Not found', code: 'not_found', detail: 'no run a' }, 'application/problem+json')
        : new Response('<html>bad gateway</html>', { status: 502 }),
    );
    const client = new GatewayClient(config, f);
    const missing = (await client.run('a').catch((e: unknown) => e)) as GatewayProblemError;
    expect(missing.message).toBe('Not found [not_found]: no run a');
    expect(missing.exitCode).toBe(1);
    const proxy = (await client.run('b').catch((e: unknown) => e)) as GatewayProblemError;
    expect(proxy.status).toBe(502);
    expect(proxy.problem.detail).toBe('<html>bad gateway</html>');
  });

  it('parses server-sent events, skipping comments and joining data lines', async () => {
    const body = new Response(
      ': hello\nretry: 2000\n\nid: 1\nevent: snapshot\ndata: {"a":\ndata: 1}\n\r\nevent: end\ndata: {}\n\n',
    ).body!;
    const events = [];
    for await (const e of parseSse(body)) events.push(e);
    expect(events).toEqual([
      { event: 'snapshot', data: '{"a":\n1}', id: '1' },
      { event: 'end', data: '{}', id: '1' },
    ]);
  });
});

describe('following a run', () => {
  it('uses the event stream when offered, then fetches the final run', async () => {
    const stream = [
      `event: snapshot\ndata: ${JSON.stringify(runView('running'))}\n\n`,
      `event: step\ndata: ${JSON.stringify({ runId: 'x', path: 'greet', id: 'greet', kind: 'uses', status: 'succeeded', attempts: 1 })}\n\n`,
      `event: end\ndata: {"status":"succeeded"}\n\n`,
    ].join('');
    const f = fakeFetch((url) => {
      if (url.pathname.endsWith('/events'))
        return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
      if (url.pathname.startsWith('/v1/pipelines/'))
        return json(200, { document: { spec: { steps: [{}, {}] } } });
      return json(
        200,
        runView('succeeded', [
          { path: 'greet', id: 'greet', kind: 'uses', status: 'succeeded', attempts: 1 },
        ]),
      );
    });
    const io = bufferIo();
    const final = await followRun(new GatewayClient(config, f), io, runView('running'), { pollMs: 10 });
    expect(final.status).toBe('succeeded');
    expect(f.calls).toContain('GET /v1/runs/hello-20261121-abcdefgh/events');
    expect(io.stdout).toContain('greet: succeeded');
    expect(io.stdout).toContain('output: {"ok":true}');
  });

  it('polls when the gateway has no event stream', async () => {
    let polls = 0;
    const f = fakeFetch((url) => {
      if (url.pathname.endsWith('/events'))
        return json(404, { code: 'not_found', detail: `Cannot GET ${url.pathname}` });
      if (url.pathname.startsWith('/v1/pipelines/')) return json(404, { code: 'not_found', detail: 'no' });
      polls++;
      return json(200, polls < 3 ? runView('running') : runView('failed'));
    });
    const io = bufferIo();
    const final = await followRun(new GatewayClient(config, f), io, runView('running'), { pollMs: 10 });
    expect(final.status).toBe('failed');
    expect(polls).toBe(3);
  });

  it('redraws in place on a terminal', async () => {
    let polls = 0;
    const f = fakeFetch((url) => {
      if (url.pathname.endsWith('/events'))
        return json(404, { code: 'not_found', detail: `Cannot GET ${url.pathname}` });
      if (url.pathname.startsWith('/v1/pipelines/')) return json(404, {});
      polls++;
      return json(200, polls < 2 ? runView('running') : runView('succeeded'));
    });
    const io = bufferIo(true);
    await followRun(new GatewayClient(config, f), io, runView('running'), { pollMs: 10 });
    expect(io.stdout).toContain('\u001b[2A\r\u001b[0J');
  });
});

describe('commands with a fake gateway', () => {
  it('run --follow exits 0 on success and 1 on failure', async () => {
    for (const [status, code] of [
      ['succeeded', 0],
      ['cancelled', 1],
    ] as const) {
      const f = fakeFetch((url, init) => {
        if (init.method === 'POST') {
          expect(JSON.parse(String(init.body))).toEqual({ pipeline: 'hello', input: { name: 'Ada' } });
          return json(201, runView('running'));
        }
        if (url.pathname.endsWith('/events')) return json(404, { detail: `Cannot GET ${url.pathname}` });
        return json(200, runView(status));
      });
      const io = bufferIo();
      const ctx = createContext({ url: 'http://gw.test', json: true }, env(io, f));
      await expect(
        runCommand(ctx, 'hello', { input: '{"name":"Ada"}', follow: true, pollMs: '50' }),
      ).resolves.toBe(code);
      expect((JSON.parse(io.stdout) as RunView).status).toBe(status);
    }
  });

  it('refuses invalid --input JSON before calling the gateway (exit 2)', async () => {
    const f = fakeFetch(() => json(500, {}));
    const ctx = createContext({ url: 'http://gw.test' }, env(bufferIo(), f));
    await expect(runCommand(ctx, 'hello', { input: '{name}' })).rejects.toMatchObject({ exitCode: 2 });
    expect(f.calls).toEqual([]);
  });

  it('validate uses the gateway catalog when it answers', async () => {
    const file = join(work, 'p.yaml');
    writeFileSync(
      file,
      'apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: p, version: 1 }\nspec:\n  steps:\n    - id: a\n      uses: core.ecko\n',
    );
    const f = fakeFetch(() => json(200, { items: [{ name: 'core.echo' }] }));
    const io = bufferIo();
    const code = await validateCommand(createContext({ url: 'http://gw.test' }, env(io, f)), [file]);
    expect(code).toBe(1);
    expect(io.stdout).toContain(
      `${file}:7:13 unknown-activity unknown activity 'core.ecko' (did you mean 'core.echo'?)`,
    );
    expect(io.stderr).not.toContain('names-only');
  });

  it('validate falls back to a names-only catalog, with a warning, when the gateway is down', async () => {
    const file = join(work, 'q.yaml');
    writeFileSync(
      file,
      'apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: q, version: 1 }\nspec:\n  steps:\n    - id: a\n      uses: anything.goes\n',
    );
    const f = fakeFetch(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const io = bufferIo();
    const code = await validateCommand(createContext({ url: 'http://gw.test' }, env(io, f)), [file]);
    expect(code).toBe(0);
    expect(io.stdout).toContain('q@1 is valid');
    expect(io.stderr).toContain('names-only catalog: activity names and inputs were not checked');
  });
});
