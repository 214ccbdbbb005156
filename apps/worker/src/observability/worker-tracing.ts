import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { startTracing, tracingSettingsFromEnv, type Tracing } from '@flowgate/config';

export const WORKER_SERVICE_NAME = 'flowgate-worker';

export interface WorkerTracingOptions {
  env?: Record<string, string | undefined>;
  /** Tests: export to this exporter (e.g. `InMemorySpanExporter`) whatever the environment says. */
  exporter?: SpanExporter;
}

/** Tracing of the worker process (the shared factory; a no-op unless an OTLP endpoint is configured). */
export function startWorkerTracing(options: WorkerTracingOptions = {}): Tracing {
  return startTracing({
    settings: tracingSettingsFromEnv(WORKER_SERVICE_NAME, options.env),
    ...(options.exporter ? { exporter: options.exporter } : {}),
  });
}

/**
 * The worker's share of tracing: the `exporter` sink through which the bundled OpenTelemetry
 * workflow interceptors export workflow spans (always registered: the bundle calls it; with
 * tracing off its processor drops them), and, with tracing on, the activity interceptors that
 * continue the workflow's trace in a `RunActivity:<name>` span per attempt and add `trace_id` and
 * `span_id` to activity log lines.
 */
export function workerTracingOptions(tracing: Tracing): {
  activityInterceptors: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<OpenTelemetrySinks>;
} {
  const tracer = tracing.tracer('@temporalio/interceptor-activity');
  return {
    activityInterceptors: tracing.enabled
      ? [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ]
      : [],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
