import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { toCatalog } from '@flowgate/activities';
import { type Logger } from '@flowgate/config';
import { loadPipeline } from '@flowgate/dsl';
import { GatewayMetrics } from '@flowgate/gateway/dist/observability/gateway-metrics';
import { startGatewayTracing } from '@flowgate/gateway/dist/observability/gateway-tracing';
import { installHttpObservability } from '@flowgate/gateway/dist/observability/http-observability';
import { attachTemporalClientInterceptors } from '@flowgate/gateway/dist/observability/temporal-client-observability';
import { loadWorkerConfig } from '@flowgate/worker/dist/config/worker.config';
import { TemporalPinoLogger } from '@flowgate/worker/dist/logging/temporal-pino.logger';
import { WorkerObservability } from '@flowgate/worker/dist/observability/worker-observability';
import { createFlowgateWorker, loadActivityDefinitions } from '@flowgate/worker/dist/worker';
import { RUN_PIPELINE_WORKFLOW, type RunPipelineInput } from '@flowgate/workflows';
import { Pool } from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * One trace from the gateway's HTTP request through the workflow to each activity, with the
 * factories and wiring the apps use: the gateway's tracing (tracer provider + HTTP
 * instrumentation), its Fastify hooks and Temporal client interceptors, and a real Flowgate worker
 * (createFlowgateWorker with WorkerObservability's hooks, bundling the interpreter with the
 * OpenTelemetry workflow interceptors at start) — in one process, exporting to memory.
 */

// First, before Fastify is loaded: the HTTP instrumentation patches node:http as Fastify requires it.
const exporter = new InMemorySpanExporter();
const tracing = startGatewayTracing({ exporter });

const root = join(__dirname, '..', '..');
const taskQueue = `tracing-${randomUUID()}`;
const logLines: Record<string, unknown>[] = [];
const logger: Logger = pino(
  { level: 'debug', base: { service: 'flowgate-worker' } },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }),
);

let pool: Pool;
let client: Client;
let stopWorker: () => Promise<void>;
let closeHttp: () => Promise<void>;
let baseUrl: string;
let observability: WorkerObservability;
const gatewayMetrics = new GatewayMetrics();

async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  Runtime.install({ logger: new TemporalPinoLogger(logger.child({ component: 'temporal-sdk' })) });
  const config = loadWorkerConfig({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    FLOWGATE_TASK_QUEUE: taskQueue,
    // No prebuilt bundle: the worker bundles at start, with WorkerObservability's workflow modules.
    FLOWGATE_WORKFLOW_BUNDLE: join(root, 'does-not-exist', 'bundle.js'),
    FLOWGATE_WORKER_HTTP_PORT: '0',
    FLOWGATE_TEMPORAL_METRICS_ADDRESS: 'off',
  });
  pool = new Pool({ connectionString: config.DATABASE_URL });
  observability = await WorkerObservability.create(config, logger, tracing);
  const flowgate = await createFlowgateWorker(config, pool, logger, observability.hooks());
  observability.attach({ worker: flowgate.worker, connection: flowgate.connection });
  const running = flowgate.worker.run();
  stopWorker = async () => {
    flowgate.worker.shutdown();
    await running;
    await flowgate.projector.stop();
    await flowgate.connection.close();
    await flowgate.closeActivities();
  };

  client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }) });
  expect(attachTemporalClientInterceptors(client, gatewayMetrics)).toBe(true);

  const { definitions } = await loadActivityDefinitions(config, pool, logger);
  const loaded = loadPipeline(readFileSync(join(root, 'examples', 'hello.yaml'), 'utf8'), {
    catalog: toCatalog(definitions),
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const plan = loaded.plan;

  // The gateway's HTTP stack: Nest's Fastify adapter with the gateway's observability hooks.
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const adapter = new FastifyAdapter({ logger: false });
  installHttpObservability(adapter, gatewayMetrics);
  const fastify = adapter.getInstance();
  fastify.post('/v1/runs', async () => {
    const id = `trace-${randomUUID()}`;
    const input: RunPipelineInput = {
      plan,
      input: { name: 'Ada' },
      run: { id, tenant: 'tracing', submittedBy: 'test', submittedAt: new Date().toISOString() },
    };
    await client.workflow.start(RUN_PIPELINE_WORKFLOW, { taskQueue, workflowId: id, args: [input] });
    return { id };
  });
  baseUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });
  closeHttp = () => fastify.close();
}, 120_000);

afterAll(async () => {
  await closeHttp?.();
  await stopWorker?.();
  await client?.connection.close();
  await pool?.end();
  await tracing.shutdown();
});

describe('traces: gateway request → workflow → activities', () => {
  let runId: string;
  let spans: ReadableSpan[];

  it('runs hello through the gateway HTTP path', async () => {
    const res = await fetch(`${baseUrl}/v1/runs`, { method: 'POST' });
    expect(res.status).toBe(200);
    runId = ((await res.json()) as { id: string }).id;
    await client.workflow.getHandle(runId).result();
    // Workflow spans leave the sandbox through the sink when the run's last activation completes.
    spans = await until(() => {
      const all = exporter.getFinishedSpans();
      return all.some((s) => s.name === 'RunWorkflow:runPipeline') &&
        all.filter((s) => s.name.startsWith('RunActivity:')).length === 2
        ? all
        : undefined;
    }, 'workflow and activity spans');
  });

  it('puts the HTTP server span, the workflow and every activity in one trace', () => {
    const byName = (name: string) => {
      const span = spans.find((s) => s.name === name);
      expect(span, `${name} among ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
      return span!;
    };
    const http = byName('POST /v1/runs');
    expect(http.parentSpanId).toBeUndefined(); // the root
    expect(http.attributes['http.route']).toBe('/v1/runs');
    const traceId = http.spanContext().traceId;

    const start = byName('StartWorkflow:runPipeline');
    expect(start.parentSpanId).toBe(http.spanContext().spanId);
    const workflow = byName('RunWorkflow:runPipeline');
    expect(workflow.parentSpanId).toBe(start.spanContext().spanId);
    expect(workflow.attributes.workflowId).toBe(runId);

    for (const activity of ['core.echo', 'text.transform']) {
      const scheduled = byName(`StartActivity:${activity}`);
      const executed = byName(`RunActivity:${activity}`);
      expect(scheduled.parentSpanId).toBe(workflow.spanContext().spanId);
      expect(executed.parentSpanId).toBe(scheduled.spanContext().spanId);
      expect(executed.attributes.temporalActivityId).toBe(activity === 'core.echo' ? 'greet' : 'shout');
    }
    for (const span of [start, workflow, ...spans.filter((s) => /Activity:/.test(s.name))])
      expect(span.spanContext().traceId, span.name).toBe(traceId);
  });

  it('logs activity lines with the run id and step path', () => {
    for (const stepPath of ['greet', 'shout']) {
      const lines = logLines.filter((l) => l.runId === runId && l.stepPath === stepPath);
      // Flowgate's own step logs, and the Temporal SDK's activity logger mapped by TemporalPinoLogger.
      expect(lines.some((l) => l.msg === 'step attempt succeeded')).toBe(true);
      expect(lines.some((l) => l.component === 'temporal-sdk' && l.msg === 'Activity completed')).toBe(true);
    }
    // Workflow lines (Temporal's workflow logger) carry the run id too.
    expect(logLines.some((l) => l.runId === runId && l.msg === 'Workflow completed')).toBe(true);
  });

  it('counts the run, the request and the activity attempts', async () => {
    const gateway = await gatewayMetrics.render();
    expect(gateway).toContain('flowgate_runs_started_total{pipeline="hello"} 1');
    expect(gateway).toMatch(
      /flowgate_http_request_duration_seconds_count\{method="POST",route="\/v1\/runs",status_code="200"\} 1/,
    );
    const worker = await until(async () => {
      const text = await observability.renderMetrics();
      return text.includes('flowgate_runs_completed_total{pipeline="hello"} 1') ? text : undefined;
    }, 'runs completed');
    expect(worker).toContain('flowgate_runs_completed_total{pipeline="hello"} 1');
    expect(worker).toMatch(
      /flowgate_activity_duration_seconds_count\{activity="core.echo",outcome="succeeded"\} 1/,
    );
    expect(worker).toMatch(/flowgate_step_duration_seconds_count\{kind="uses",status="succeeded"\} 2/);
    expect(worker).toContain('flowgate_worker_state{state="RUNNING"} 1');
  });
});
