import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltins, HTTP_ERROR, type ActivityDefinition } from '../src/index';
import { json, startTestServer, type TestServer } from './support/http-test-server';
import { failureOf, runActivity } from './support/run-activity';

const SECRET = 'tok_9f8e7d6c5b4a';
const secrets = { 'crm-token': SECRET };

let server: TestServer;
let http: ActivityDefinition;
const builtins = createBuiltins({ settings: { http: { timeoutMs: 5_000, maxResponseBytes: 4_096 } } });

beforeAll(async () => {
  http = builtins.definitions.find((d) => d.name === 'http.request')!;
  server = await startTestServer((req, res) => {
    const url = new URL(req.path, 'http://x');
    switch (url.pathname) {
      case '/items':
        return json(res, 200, {
          query: Object.fromEntries(url.searchParams),
          got: req.headers.authorization,
        });
      case '/echo':
        res.writeHead(201, {
          'content-type': 'text/plain',
          'x-seen-type': req.headers['content-type'] ?? '',
        });
        return void res.end(`${req.method} ${req.body}`);
      case '/missing':
        return json(res, 404, { error: 'no such item' });
      case '/busy':
        return json(res, 503, { error: 'maintenance' }, { 'retry-after': '3' });
      case '/limited':
        return json(res, 429, {}, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() });
      case '/boom':
        return json(res, 500, { error: 'boom' });
      case '/slow':
        setTimeout(() => json(res, 200, { late: true }), 2_000).unref();
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
        return void res.end(Buffer.alloc(100_000));
      case '/stream': {
        // No content-length: the limit must be enforced while reading.
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('x'.repeat(1_000)), 20);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/moved':
        res.writeHead(302, { location: '/items?via=redirect' });
        return void res.end();
      case '/hang':
        return; // never answers
      default:
        return json(res, 404, {});
    }
  });
});

afterAll(async () => {
  await server.close();
  await builtins.close();
});

describe('http.request against a local server', () => {
  it('sends method, query, headers (a secret by name) and the idempotency key; parses JSON', async () => {
    const { result } = runActivity(
      http,
      {
        url: `${server.url}/items`,
        query: { q: 'a b', n: 3, tag: ['x', 'y'] },
        headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer ' }, 'X-Trace': 't1' },
      },
      { secrets },
    );
    const out = await result;
    const req = server.requests.at(-1)!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/items?q=a+b&n=3&tag=x&tag=y');
    expect(req.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(req.headers['x-trace']).toBe('t1');
    expect(req.headers['idempotency-key']).toBe('run-1/fetch');
    // The server echoed the secret back: the output carries its name, never its value.
    expect(out).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { query: { q: 'a b', n: '3', tag: 'y' }, got: 'Bearer [secret:crm-token]' },
    });
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it('sends a JSON body or a text body; returns text as text', async () => {
    const a = await runActivity(http, { method: 'POST', url: `${server.url}/echo`, json: { a: 1 } }).result;
    expect(a).toMatchObject({
      status: 201,
      body: 'POST {"a":1}',
      headers: { 'x-seen-type': 'application/json' },
    });
    const b = await runActivity(http, {
      method: 'PUT',
      url: `${server.url}/echo`,
      body: 'hello',
      contentType: 'text/csv',
    }).result;
    expect(b).toMatchObject({ status: 201, body: 'PUT hello', headers: { 'x-seen-type': 'text/csv' } });
  });

  it('follows redirects', async () => {
    const out = await runActivity<{ body: { query: unknown } }>(http, { url: `${server.url}/moved` }).result;
    expect(out.body.query).toEqual({ via: 'redirect' });
  });

  it('refuses an invalid input non-retryably', async () => {
    const err = await failureOf(runActivity(http, { url: 'ftp://example.com/x' }).result);
    expect([err.type, err.nonRetryable]).toEqual(['InvalidActivityInput', true]);
    const both = await failureOf(
      runActivity(http, { url: `${server.url}/echo`, json: {}, body: 'x' }).result,
    );
    expect(both.message).toContain('give either json or body');
  });

  it('fails non-retryably on 4xx with the status and a body preview', async () => {
    const err = await failureOf(runActivity(http, { url: `${server.url}/missing` }).result);
    expect(err.type).toBe(HTTP_ERROR.client);
    expect(err.nonRetryable).toBe(true);
    expect(err.details).toEqual([{ status: 404, body: '{"error":"no such item"}' }]);
  });

  it('fails retryably on 503 with Retry-After as the next retry delay', async () => {
    const err = await failureOf(runActivity(http, { url: `${server.url}/busy` }).result);
    expect([err.type, err.nonRetryable, err.nextRetryDelay]).toEqual([HTTP_ERROR.server, false, 3000]);
  });

  it('fails retryably on 429 honouring an HTTP-date Retry-After', async () => {
    const err = await failureOf(runActivity(http, { url: `${server.url}/limited` }).result);
    expect([err.type, err.nonRetryable]).toEqual([HTTP_ERROR.rateLimited, false]);
    expect(err.nextRetryDelay).toBeGreaterThan(55_000);
    expect(err.nextRetryDelay).toBeLessThanOrEqual(60_000);
  });

  it('fails retryably on 500 without a delay of its own', async () => {
    const err = await failureOf(runActivity(http, { url: `${server.url}/boom` }).result);
    expect([err.type, err.nonRetryable, err.nextRetryDelay]).toEqual([HTTP_ERROR.server, false, undefined]);
  });

  it('fails retryably on a network error', async () => {
    const closed = await startTestServer(() => undefined);
    await closed.close();
    const err = await failureOf(runActivity(http, { url: `${closed.url}/x` }).result);
    expect([err.type, err.nonRetryable]).toEqual([HTTP_ERROR.network, false]);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('fails retryably when the per-call timeout elapses', async () => {
    const started = Date.now();
    const err = await failureOf(runActivity(http, { url: `${server.url}/slow`, timeoutMs: 300 }).result);
    expect([err.type, err.nonRetryable]).toEqual([HTTP_ERROR.timeout, false]);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('fails non-retryably past the response size limit, declared or streamed', async () => {
    const declared = await failureOf(runActivity(http, { url: `${server.url}/big` }).result);
    expect([declared.type, declared.nonRetryable]).toEqual([HTTP_ERROR.tooLarge, true]);
    const streamed = await failureOf(
      runActivity(http, { url: `${server.url}/stream`, maxResponseBytes: 10_000 }).result,
    );
    expect([streamed.type, streamed.nonRetryable]).toEqual([HTTP_ERROR.tooLarge, true]);
  });

  it('heartbeats while waiting and stops at once when cancelled', async () => {
    const before = server.requests.length;
    const closed = new Promise<void>((resolve) => {
      server.server.once('request', (req) => req.socket.once('close', () => resolve()));
    });
    const run = runActivity(http, { url: `${server.url}/hang`, timeoutMs: 60_000 });
    const outcome = failureOf(run.result);
    while (server.requests.length === before) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1_200));
    const cancelledAt = Date.now();
    run.env.cancel();
    const err = await outcome;
    expect(err).toBeInstanceOf(CancelledFailure);
    await closed; // the server saw the connection go away
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(run.heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(run.heartbeats[0]).toMatchObject({ phase: 'sending', bytes: 0 });
  });
});
