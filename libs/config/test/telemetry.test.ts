import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import {
  circuitStateGauge,
  createMetricsRegistry,
  parseEnv,
  startTracing,
  telemetryEnvShape,
  tracingSettings,
  tracingSettingsFromEnv,
} from '../src/index';
import { z } from 'zod';

const settingsOf = (env: Record<string, string>) =>
  tracingSettings(parseEnv(z.object(telemetryEnvShape), env), 'svc');

describe('tracing settings', () => {
  it('exports nothing unless an OTLP endpoint or exporter is configured', () => {
    expect(settingsOf({}).exporter).toBe('none');
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporter).toBe('otlp');
    expect(settingsOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).exporter).toBe(
      'otlp',
    );
    expect(settingsOf({ OTEL_TRACES_EXPORTER: 'otlp' }).exporter).toBe('otlp');
    expect(
      settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })
        .exporter,
    ).toBe('none');
    expect(
      settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })
        .exporter,
    ).toBe('none');
  });

  it('takes the protocol and service name from the standard variables', () => {
    expect(settingsOf({})).toEqual({ exporter: 'none', protocol: 'http/protobuf', serviceName: 'svc' });
    expect(
      settingsOf({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'gw-eu',
      }),
    ).toEqual({ exporter: 'none', protocol: 'http/json', serviceName: 'gw-eu' });
  });

  it('reports bad values as configuration errors, and the early reader turns tracing off for them', () => {
    expect(() => settingsOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL.*gRPC/,
    );
    expect(() => settingsOf({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(
      tracingSettingsFromEnv('svc', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }).exporter,
    ).toBe('none');
    expect(tracingSettingsFromEnv('svc', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).exporter).toBe(
      'otlp',
    );
  });
});

describe('startTracing', () => {
  it('registers nothing when nothing is exported', async () => {
    const tracing = startTracing({
      settings: { exporter: 'none', protocol: 'http/protobuf', serviceName: 'svc' },
    });
    expect(tracing.enabled).toBe(false);
    expect(tracing.provider).toBeUndefined();
    const span = tracing.tracer().startSpan('x');
    expect(span.isRecording()).toBe(false);
    span.end();
    await tracing.shutdown();
  });

  it('exports finished spans with the service resource', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({
      settings: { exporter: 'none', protocol: 'http/protobuf', serviceName: 'flowgate-test' },
      exporter,
      register: false,
    });
    expect(tracing.enabled).toBe(true);
    tracing.tracer().startSpan('work').end();
    await tracing.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('work');
    expect(span?.resource.attributes['service.name']).toBe('flowgate-test');
    expect(span?.resource.attributes['service.namespace']).toBe('flowgate');
    await tracing.shutdown();
    await tracing.shutdown(); // idempotent
  });
});

describe('circuit state gauge', () => {
  it('reports 1 for each circuit’s current state and keeps the last values when the source fails', async () => {
    const registry = createMetricsRegistry();
    let fail = false;
    const errors: string[] = [];
    circuitStateGauge(
      registry,
      () => ({
        circuitStates: async () => {
          if (fail) throw new Error('db down');
          return [
            { dependency: 'api.example', state: 'open' },
            { dependency: 'db', state: 'closed' },
          ];
        },
      }),
      (err) => errors.push(err.message),
    );
    const first = await registry.metrics();
    expect(first).toContain('flowgate_circuit_state{dependency="api.example",state="open"} 1');
    expect(first).toContain('flowgate_circuit_state{dependency="api.example",state="closed"} 0');
    expect(first).toContain('flowgate_circuit_state{dependency="db",state="closed"} 1');
    expect(first).toContain('process_cpu_seconds_total');
    fail = true;
    const second = await registry.metrics();
    expect(second).toContain('flowgate_circuit_state{dependency="api.example",state="open"} 1');
    expect(errors).toEqual(['db down']);
  });
});
