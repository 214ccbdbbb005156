import 'reflect-metadata';
import type { WorkflowStartInput } from '@temporalio/client';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/common/errors/domain.error';
import { ErrorCode } from '../src/common/errors/error-codes';
import { loadGatewayConfig } from '../src/config/gateway.config';
import { GatewayMetrics } from '../src/observability/gateway-metrics';
import { bearerMatches } from '../src/observability/metrics.controller';
import { deniedRules } from '../src/observability/policy-denial-metrics.interceptor';
import {
  pipelineOfStart,
  RunStartMetricsInterceptor,
} from '../src/observability/run-start-metrics.interceptor';
import { attachTemporalClientInterceptors } from '../src/observability/temporal-client-observability';

const startInput = (workflowType: string, args: unknown[]): WorkflowStartInput =>
  ({
    workflowType,
    headers: {},
    options: { args, taskQueue: 'q', workflowId: 'w' },
  }) as unknown as WorkflowStartInput;

describe('gateway metrics', () => {
  it('labels requests by route template, never by raw URL', async () => {
    const metrics = new GatewayMetrics();
    metrics.observeRequest('GET', '/v1/runs/:id', 200, 0.02);
    metrics.observeRequest('GET', undefined, 404, 0.001);
    const text = await metrics.render();
    expect(text).toContain(
      'flowgate_http_request_duration_seconds_count{method="GET",route="/v1/runs/:id",status_code="200"} 1',
    );
    expect(text).toContain(
      'flowgate_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1',
    );
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('counts runPipeline starts by pipeline once Temporal accepted them', async () => {
    const metrics = new GatewayMetrics();
    const interceptor = new RunStartMetricsInterceptor(metrics);
    const next = async () => ({ runId: 'r', eagerlyStarted: false });
    await interceptor.startWithDetails(
      startInput('runPipeline', [{ plan: { pipeline: { name: 'hello' } } }]),
      next,
    );
    await interceptor.startWithDetails(startInput('otherWorkflow', [{}]), next);
    await expect(
      interceptor.startWithDetails(
        startInput('runPipeline', [{ plan: { pipeline: { name: 'hello' } } }]),
        () => Promise.reject(new Error('already started')),
      ),
    ).rejects.toThrow('already started');
    expect(await metrics.render()).toContain('flowgate_runs_started_total{pipeline="hello"} 1');
    expect(pipelineOfStart(startInput('runPipeline', []))).toBeUndefined();
  });

  it('counts admission denials once per policy rule', async () => {
    const err = new DomainError(ErrorCode.PolicyDenied, 'denied', [
      { message: 'a', policy: 'limits', ruleId: 'max-steps' },
      { message: 'b', policy: 'limits', ruleId: 'max-steps', stepPath: 'x' },
      { message: 'c', policy: 'egress', ruleId: 'no-internet' },
    ]);
    const metrics = new GatewayMetrics();
    metrics.recordDenials('admission', deniedRules(err));
    const text = await metrics.render();
    expect(text).toContain(
      'flowgate_policy_denials_total{phase="admission",policy="limits",rule="max-steps"} 1',
    );
    expect(text).toContain(
      'flowgate_policy_denials_total{phase="admission",policy="egress",rule="no-internet"} 1',
    );
    expect(deniedRules(new DomainError(ErrorCode.PolicyDenied, 'x'))).toEqual([
      { policy: 'unknown', rule: 'unknown' },
    ]);
  });
});

describe('Temporal client interceptors', () => {
  it('are added once to a client built elsewhere', () => {
    const client = new Client({ connection: {} as never });
    const metrics = new GatewayMetrics();
    expect(attachTemporalClientInterceptors(client, metrics)).toBe(true);
    expect(attachTemporalClientInterceptors(client, metrics)).toBe(true);
    const list = client.workflow.options.interceptors as unknown[];
    expect(list.map((i) => (i as object).constructor)).toEqual([
      OpenTelemetryWorkflowClientInterceptor,
      RunStartMetricsInterceptor,
    ]);
    const untraced = new Client({ connection: {} as never });
    attachTemporalClientInterceptors(untraced, metrics, false);
    expect(
      (untraced.workflow.options.interceptors as unknown[]).map((i) => (i as object).constructor),
    ).toEqual([RunStartMetricsInterceptor]);
  });
});

describe('metrics endpoint protection', () => {
  it('compares the bearer token in constant time', () => {
    expect(bearerMatches('Bearer 0123456789abcdef', '0123456789abcdef')).toBe(true);
    expect(bearerMatches('bearer 0123456789abcdef', '0123456789abcdef')).toBe(true);
    expect(bearerMatches('Bearer 0123456789abcdeX', '0123456789abcdef')).toBe(false);
    expect(bearerMatches(undefined, '0123456789abcdef')).toBe(false);
  });

  it('takes FLOWGATE_METRICS_TOKEN and the OpenTelemetry variables from the environment', () => {
    const config = loadGatewayConfig({
      DATABASE_URL: 'postgres://u@h/db',
      FLOWGATE_METRICS_TOKEN: '0123456789abcdef',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    });
    expect(config.FLOWGATE_METRICS_TOKEN).toBe('0123456789abcdef');
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(() =>
      loadGatewayConfig({ DATABASE_URL: 'postgres://u@h/db', FLOWGATE_METRICS_TOKEN: 'x' }),
    ).toThrow(/FLOWGATE_METRICS_TOKEN/);
  });
});
