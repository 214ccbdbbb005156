import type * as OtelApi from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtlpProto from '@opentelemetry/exporter-trace-otlp-proto';
import type * as OtelResources from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type * as OtelTraceBase from '@opentelemetry/sdk-trace-base';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type * as OtelTraceNode from '@opentelemetry/sdk-trace-node';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from './telemetry.config';

// The OpenTelemetry SDK is loaded when tracing starts, not when `@flowgate/config` is imported:
// most importers (the CLI, libraries) never trace and should not pay its ~100 ms load time.
/* eslint-disable @typescript-eslint/no-require-imports */
const otelApi = () => require('@opentelemetry/api') as typeof OtelApi;
const otelResources = () => require('@opentelemetry/resources') as typeof OtelResources;
const otelTraceBase = () => require('@opentelemetry/sdk-trace-base') as typeof OtelTraceBase;
const otelTraceNode = () => require('@opentelemetry/sdk-trace-node') as typeof OtelTraceNode;
const otlpJson = () => require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
const otlpProto = () => require('@opentelemetry/exporter-trace-otlp-proto') as typeof OtlpProto;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Name of the tracer Flowgate's own spans use. */
export const FLOWGATE_TRACER = 'flowgate';

/** The tracing of one process: what the Temporal interceptors and HTTP instrumentation plug into. */
export interface Tracing {
  /** False when nothing is exported: no provider is registered and spans are no-ops. */
  readonly enabled: boolean;
  /** Attributes every span of this process carries (`service.name`, host, `OTEL_RESOURCE_ATTRIBUTES`). */
  readonly resource: Resource;
  /**
   * Where finished spans go. The worker hands it to Temporal's workflow span sink: workflow spans
   * are made inside the workflow sandbox and exported from the worker process through it.
   */
  readonly spanProcessor: SpanProcessor;
  /** The provider, when enabled (registered globally unless `register: false`). */
  readonly provider?: NodeTracerProvider;
  tracer(name?: string): Tracer;
  /** Exports what is buffered. */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  settings: TracingSettings;
  /**
   * Exports to this exporter instead of the one the settings select (tests pass an
   * `InMemorySpanExporter`); spans are then handed over as each one ends.
   */
  exporter?: SpanExporter;
  /** Register as the global tracer provider, context manager and propagator (default true). */
  register?: boolean;
}

function otlpExporter(settings: TracingSettings): SpanExporter {
  // Both read OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT and _COMPRESSION themselves.
  return settings.protocol === 'http/json'
    ? new (otlpJson().OTLPTraceExporter)()
    : new (otlpProto().OTLPTraceExporter)();
}

/** Resource of a process: SDK defaults, host, `OTEL_RESOURCE_ATTRIBUTES`, then the service name. */
export function tracingResource(serviceName: string): Resource {
  const { Resource, detectResourcesSync, envDetectorSync, hostDetectorSync } = otelResources();
  return Resource.default()
    .merge(detectResourcesSync({ detectors: [hostDetectorSync, envDetectorSync] }))
    .merge(new Resource({ 'service.name': serviceName, 'service.namespace': 'flowgate' }));
}

/**
 * Sets up OpenTelemetry tracing for a Flowgate process (gateway, worker, tests): one factory, so
 * tests build exactly what the apps run. With `settings.exporter === 'none'` and no test exporter,
 * nothing is registered and nothing leaves the process.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  if (!options.exporter && options.settings.exporter === 'none') {
    // Nothing to export: the SDK is not even loaded until something asks for the resource or the
    // (no-op) processor, as the worker's workflow span sink does.
    let resource: Resource | undefined;
    let processor: SpanProcessor | undefined;
    return {
      enabled: false,
      get resource() {
        return (resource ??= tracingResource(options.settings.serviceName));
      },
      get spanProcessor() {
        return (processor ??= new (otelTraceBase().NoopSpanProcessor)());
      },
      tracer: (name = FLOWGATE_TRACER) => otelApi().trace.getTracer(name),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
  }
  const resource = tracingResource(options.settings.serviceName);
  const { BatchSpanProcessor, SimpleSpanProcessor } = otelTraceBase();
  const spanProcessor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(otlpExporter(options.settings));
  const provider = new (otelTraceNode().NodeTracerProvider)({ resource, spanProcessors: [spanProcessor] });
  if (options.register !== false) provider.register();
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    resource,
    spanProcessor,
    provider,
    tracer: (name = FLOWGATE_TRACER) => provider.getTracer(name),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => (stopped ??= provider.shutdown()),
  };
}
