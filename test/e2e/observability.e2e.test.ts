import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startDevStack, type RunningStack } from '../support/dev-stack-process';
import { freePort } from '../support/ports';

/** One span as OTLP/JSON carries it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
}

/** A stand-in OpenTelemetry collector: accepts OTLP/HTTP JSON trace exports on /v1/traces. */
function startCollector(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: Omit<OtlpSpan, 'service'>[] }[];
          }[];
        };
        for (const rs of body.resourceSpans) {
          const service =
            rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ ...s, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans }),
    ),
  );
}

let stack: RunningStack;
let db: TestDatabase;
let collector: Awaited<ReturnType<typeof startCollector>>;
let workerUrl: string;
let gatewayUrl: string;
const runIds: string[] = [];

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const text = async (url: string) => (await fetch(url)).text();

describe('observability of the real stack: metrics, health, traces over OTLP', () => {
  beforeAll(async () => {
    [db, collector] = await Promise.all([createTestDatabase(), startCollector()]);
    const workerPort = await freePort();
    stack = await startDevStack({
      DATABASE_URL: db.url,
      FLOWGATE_WORKER_HTTP_PORT: String(workerPort),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    workerUrl = `http://127.0.0.1:${workerPort}`;
    gatewayUrl = stack.info.restUrl.replace(/\/v1$/, '');

    for (const name of ['Ada', 'Grace']) {
      const res = await fetch(`${stack.info.restUrl}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.info.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ pipeline: 'hello', input: { name } }),
      });
      expect(res.status).toBe(201);
      runIds.push(((await res.json()) as { id: string }).id);
    }
    for (const id of runIds) {
      await until(async () => {
        const res = await fetch(`${stack.info.restUrl}/runs/${id}`, {
          headers: { authorization: `Bearer ${stack.info.apiKey}` },
        });
        const run = (await res.json()) as { status: string };
        return run.status === 'succeeded' ? run : undefined;
      }, `run ${id}`);
    }
  });

  afterAll(async () => {
    if (stack && stack.process.exitCode === null) await stack.stop();
    await db?.drop();
    collector?.server.close();
  });

  it('counts started runs and request latency on the gateway /metrics', async () => {
    const metrics = await text(`${gatewayUrl}/metrics`);
    expect(metrics).toContain('flowgate_runs_started_total{pipeline="hello"} 2');
    expect(metrics).toContain('# TYPE flowgate_http_request_duration_seconds histogram');
    expect(metrics).toMatch(
      /flowgate_http_request_duration_seconds_count\{method="POST",route="\/v1\/runs",status_code="201"\} 2/,
    );
    expect(metrics).toMatch(
      /flowgate_http_request_duration_seconds_bucket\{le="0\.5",method="GET",route="\/v1\/runs\/:id"/,
    );
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('counts completed runs, step latency and Temporal SDK metrics on the worker /metrics', async () => {
    const metrics = await until(async () => {
      const t = await text(`${workerUrl}/metrics`);
      return t.includes('flowgate_runs_completed_total{pipeline="hello"} 2') ? t : undefined;
    }, 'worker run counters');
    expect(metrics).toMatch(
      /flowgate_activity_duration_seconds_count\{activity="core\.echo",outcome="succeeded"\} 2/,
    );
    expect(metrics).toMatch(/flowgate_activity_duration_seconds_bucket\{le="[\d.]+",activity="core\.echo"/);
    expect(metrics).toMatch(/flowgate_step_duration_seconds_count\{kind="uses",status="succeeded"\} 4/);
    expect(metrics).toContain('flowgate_worker_state{state="RUNNING"} 1');
    // The Temporal SDK's own metrics, served by its runtime and appended.
    expect(metrics).toMatch(/^temporal_\w+/m);
    expect(metrics).not.toContain('Temporal SDK metrics unavailable');
  });

  it('reports each dependency on /readyz and liveness on /healthz, on both processes', async () => {
    for (const [url, deps] of [
      [gatewayUrl, ['temporal', 'postgres']],
      [workerUrl, ['worker', 'temporal', 'postgres']],
    ] as const) {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status, url).toBe(200);
      const body = (await ready.json()) as { status: string; details: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      for (const dep of deps) expect(body.details[dep]?.status, `${url} ${dep}`).toBe('up');
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    }
  });

  it('exports one trace per run over OTLP: gateway request, workflow and activities', async () => {
    const spans = await until(async () => {
      const activity = collector.spans.filter(
        (s) => s.name === 'RunActivity:core.echo' && s.service === 'flowgate-worker',
      );
      const http = collector.spans.filter(
        (s) => s.name === 'POST /v1/runs' && s.service === 'flowgate-gateway',
      );
      return activity.length >= 2 && http.length >= 2 ? collector.spans : undefined;
    }, 'exported spans');
    const roots = spans.filter((s) => s.name === 'POST /v1/runs');
    const traces = new Set(roots.map((s) => s.traceId));
    expect(traces.size).toBe(2);
    for (const traceId of traces) {
      const names = spans.filter((s) => s.traceId === traceId).map((s) => `${s.service} ${s.name}`);
      expect(names).toEqual(
        expect.arrayContaining([
          'flowgate-gateway POST /v1/runs',
          'flowgate-gateway StartWorkflow:runPipeline',
          'flowgate-worker RunWorkflow:runPipeline',
          'flowgate-worker RunActivity:core.echo',
          'flowgate-worker RunActivity:text.transform',
        ]),
      );
    }
    for (const root of roots) expect(root.parentSpanId ?? '').toBe('');
  });
});
