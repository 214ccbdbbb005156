import { ApplicationFailure } from '@temporalio/activity';
import type { InjectedSinks } from '@temporalio/worker';
import { PROJECTION_SINK, type ProjectionSinks, type RunChange, type StepChange } from '@flowgate/workflows';
import type { ConfigError } from '@flowgate/config';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../src/config/worker.config';
import { ActivityMetricsInterceptor, deniedRulesOf } from '../src/observability/activity-metrics.interceptor';
import { RunMetricsRecorder } from '../src/observability/run-metrics.sinks';
import { TemporalRuntimeMetrics } from '../src/observability/temporal-runtime-metrics';
import { startWorkerHttpServer, type WorkerHttpServer } from '../src/observability/worker-http-server';
import { WorkerMetrics } from '../src/observability/worker-metrics';
import { checkReadiness } from '../src/observability/worker-readiness';

const run = (status: RunChange['status'], extra: Partial<RunChange> = {}): RunChange => ({
  runId: 'hello-1',
  tenant: 't',
  status,
  pipeline: { name: 'hello', version: 1, digest: 'd', tags: [] },
  submittedBy: 'me',
  ...extra,
});

const step = (status: StepChange['status'], kind = 'uses', seconds = 1.5): StepChange => ({
  runId: 'hello-1',
  path: 'greet',
  id: 'greet',
  kind,
  status,
  attempts: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + seconds * 1000).toISOString(),
});

describe('run and step metrics from the projection sink', () => {
  it('counts each top-level run once by outcome, and ignores child runs', async () => {
    const metrics = new WorkerMetrics();
    const recorder = new RunMetricsRecorder(metrics);
    recorder.run(run('running'));
    recorder.run(run('succeeded'));
    recorder.run(run('succeeded')); // reported again: counted once
    recorder.run(run('failed', { runId: 'hello-2' }));
    recorder.run(run('cancelled', { runId: 'hello-3' }));
    recorder.run(run('succeeded', { runId: 'hello-1.batch-0', parent: { runId: 'hello-1', stepPath: 'm' } }));
    const text = await metrics.registry.metrics();
    expect(text).toContain('flowgate_runs_completed_total{pipeline="hello"} 1');
    expect(text).toContain('flowgate_runs_failed_total{pipeline="hello"} 1');
    expect(text).toContain('flowgate_runs_cancelled_total{pipeline="hello"} 1');
  });

  it('observes finished steps by kind and status', async () => {
    const metrics = new WorkerMetrics();
    const recorder = new RunMetricsRecorder(metrics);
    recorder.step(step('running'));
    recorder.step(step('succeeded', 'uses', 1.5));
    recorder.step(step('failed', 'approval', 7200));
    recorder.step({ ...step('succeeded'), startedAt: undefined });
    const text = await metrics.registry.metrics();
    expect(text).toContain('flowgate_step_duration_seconds_count{kind="uses",status="succeeded"} 1');
    expect(text).toContain('flowgate_step_duration_seconds_sum{kind="uses",status="succeeded"} 1.5');
    expect(text).toContain(
      'flowgate_step_duration_seconds_bucket{le="14400",kind="approval",status="failed"} 1',
    );
    expect(text).toContain(
      'flowgate_step_duration_seconds_bucket{le="3600",kind="approval",status="failed"} 0',
    );
  });

  it('wraps the projection sinks: metrics first, then the projection, whatever metrics do', () => {
    const seen: string[] = [];
    const projection: InjectedSinks<ProjectionSinks> = {
      [PROJECTION_SINK]: {
        run: { fn: (_i, c) => void seen.push(`run ${c.status}`), callDuringReplay: false },
        step: { fn: (_i, c) => void seen.push(`step ${c.status}`), callDuringReplay: false },
        approval: { fn: () => void seen.push('approval'), callDuringReplay: false },
      },
    };
    const broken = new RunMetricsRecorder({
      runFinished: () => {
        throw new Error('metrics bug');
      },
    } as unknown as WorkerMetrics);
    const wrapped = broken.wrap(projection)[PROJECTION_SINK];
    const info = {} as Parameters<typeof wrapped.run.fn>[0];
    void wrapped.run.fn(info, run('succeeded'));
    void wrapped.step.fn(info, step('running'));
    void wrapped.approval.fn(info, {} as never);
    expect(seen).toEqual(['run succeeded', 'step running', 'approval']);
    expect(wrapped.run.callDuringReplay).toBe(false);
  });
});

describe('activity metrics interceptor', () => {
  it('observes attempts by outcome and counts dispatch denials per blocking rule', async () => {
    const metrics = new WorkerMetrics();
    const interceptor = new ActivityMetricsInterceptor(metrics, 'http.request');
    const input = { args: [], headers: {} };
    await interceptor.execute(input, async () => 'ok');
    await expect(
      interceptor.execute(input, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const denied = ApplicationFailure.create({
      type: 'PolicyDenied',
      message: 'denied',
      nonRetryable: true,
      details: [
        {
          decisions: [
            { policy: 'egress', ruleId: 'no-internet' },
            { policy: 'cost', ruleId: 'budget' },
          ],
        },
      ],
    });
    await expect(interceptor.execute(input, async () => Promise.reject(denied))).rejects.toBe(denied);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'flowgate_activity_duration_seconds_count{activity="http.request",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'flowgate_activity_duration_seconds_count{activity="http.request",outcome="failed"} 1',
    );
    expect(text).toContain(
      'flowgate_activity_duration_seconds_count{activity="http.request",outcome="denied"} 1',
    );
    expect(text).toContain(
      'flowgate_policy_denials_total{phase="dispatch",policy="egress",rule="no-internet"} 1',
    );
    expect(text).toContain('flowgate_policy_denials_total{phase="dispatch",policy="cost",rule="budget"} 1');
  });

  it('reads the denied rules from the failure details', () => {
    expect(deniedRulesOf(ApplicationFailure.create({ type: 'PolicyDenied', message: 'x' }))).toEqual([
      { policy: 'unknown', rule: 'unknown' },
    ]);
  });
});

describe('Temporal SDK metrics', () => {
  it('binds a free loopback port by default, an explicit address, or nothing', async () => {
    const auto = await TemporalRuntimeMetrics.fromSetting(undefined, true);
    expect(auto?.bindAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await TemporalRuntimeMetrics.fromSetting(undefined, false)).toBeUndefined();
    expect(await TemporalRuntimeMetrics.fromSetting('off', true)).toBeUndefined();
    const fixed = await TemporalRuntimeMetrics.fromSetting('0.0.0.0:9465', false);
    expect(fixed?.url).toBe('http://127.0.0.1:9465/metrics');
    expect(fixed?.telemetryOptions()).toEqual({ metrics: { prometheus: { bindAddress: '0.0.0.0:9465' } } });
  });

  it('never fails a scrape when the SDK exporter does not answer', async () => {
    const gone = new TemporalRuntimeMetrics(`127.0.0.1:${1}`);
    expect(await gone.scrape(500)).toMatch(/^# Temporal SDK metrics unavailable: /);
  });
});

describe('worker readiness', () => {
  const pool = { query: async () => ({ rows: [] }) } as never;
  const temporal = { workflowService: { getSystemInfo: async () => ({}) } };

  it('is ready when the worker runs and PostgreSQL and Temporal answer', async () => {
    const report = await checkReadiness({ pool, temporal, worker: { getState: () => 'RUNNING' } });
    expect(report.status).toBe('ok');
    expect(Object.keys(report.details)).toEqual(['worker', 'postgres', 'temporal']);
    expect(report.error).toEqual({});
  });

  it('names each dependency that is down', async () => {
    const report = await checkReadiness({
      pool: { query: async () => Promise.reject(new Error('connection refused')) } as never,
      worker: { getState: () => 'DRAINING' },
    });
    expect(report.status).toBe('error');
    expect(report.error).toEqual({
      worker: { status: 'down', message: 'worker state is DRAINING' },
      postgres: { status: 'down', message: 'connection refused' },
      temporal: { status: 'down', message: 'not connected yet' },
    });
  });
});

describe('worker HTTP server', () => {
  let server: WorkerHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /healthz, /readyz (503 when not ready) and /metrics behind an optional token', async () => {
    let ready = false;
    server = await startWorkerHttpServer('127.0.0.1', 0, {
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'flowgate_x 1\n' }),
      readiness: async () => ({
        status: ready ? 'ok' : 'error',
        info: {},
        error: {},
        details: { worker: { status: ready ? 'up' : 'down' } },
      }),
      metricsToken: 'a-long-enough-token',
    });
    const url = `http://127.0.0.1:${server.port}`;
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${url}/metrics`, {
      headers: { authorization: 'Bearer a-long-enough-token' },
    });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await metrics.text()).toBe('flowgate_x 1\n');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('worker observability configuration', () => {
  const base = { DATABASE_URL: 'postgres://u@h/db' };

  it('takes an IP address for the Temporal SDK metrics (the SDK does not resolve names)', () => {
    expect(loadWorkerConfig({ ...base, FLOWGATE_TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9465' })).toBeDefined();
    expect(loadWorkerConfig({ ...base, FLOWGATE_TEMPORAL_METRICS_ADDRESS: '[::1]:9465' })).toBeDefined();
    expect(() => loadWorkerConfig({ ...base, FLOWGATE_TEMPORAL_METRICS_ADDRESS: 'localhost:9465' })).toThrow(
      /FLOWGATE_TEMPORAL_METRICS_ADDRESS: must be ip:port/,
    );
  });

  it('defaults to port 9464 on the loopback interface, and 0 turns the endpoints off', () => {
    const config = loadWorkerConfig(base);
    expect(config.FLOWGATE_WORKER_HTTP_PORT).toBeUndefined();
    expect(config.FLOWGATE_WORKER_HTTP_HOST).toBe('127.0.0.1');
    expect(loadWorkerConfig({ ...base, FLOWGATE_WORKER_HTTP_PORT: '0' }).FLOWGATE_WORKER_HTTP_PORT).toBe(0);
  });

  it('lists every bad observability variable', () => {
    let problems: string[] = [];
    try {
      loadWorkerConfig({
        ...base,
        FLOWGATE_WORKER_HTTP_PORT: '70000',
        FLOWGATE_TEMPORAL_METRICS_ADDRESS: 'somewhere',
        FLOWGATE_METRICS_TOKEN: 'short',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      });
    } catch (err) {
      problems = (err as ConfigError).problems.map((p) => p.variable).sort();
    }
    expect(problems).toEqual([
      'FLOWGATE_METRICS_TOKEN',
      'FLOWGATE_TEMPORAL_METRICS_ADDRESS',
      'FLOWGATE_WORKER_HTTP_PORT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
    ]);
  });
});
