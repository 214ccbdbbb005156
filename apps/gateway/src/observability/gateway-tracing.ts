import type * as OtelInstrumentation from '@opentelemetry/instrumentation';
import type * as OtelHttpInstrumentation from '@opentelemetry/instrumentation-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing, tracingSettingsFromEnv, type Tracing } from '@flowgate/config';

export const GATEWAY_SERVICE_NAME = 'flowgate-gateway';

/** Probe and scrape paths: answered many times a minute, never worth a trace. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface GatewayTracingOptions {
  env?: Record<string, string | undefined>;
  /** Tests: export to this exporter (e.g. `InMemorySpanExporter`) whatever the environment says. */
  exporter?: SpanExporter;
}

/**
 * Tracing of the gateway: the shared tracer provider factory plus the Node HTTP server
 * instrumentation, whose span (`POST /v1/runs`, named after the Fastify route by
 * `installHttpObservability`) is the root of a run's trace. It must run before Fastify is loaded.
 */
let current: Tracing | undefined;

/** The tracing this process started (flushed at shutdown by the observability module). */
export function currentGatewayTracing(): Tracing | undefined {
  return current;
}

export function startGatewayTracing(options: GatewayTracingOptions = {}): Tracing {
  const tracing = startTracing({
    settings: tracingSettingsFromEnv(GATEWAY_SERVICE_NAME, options.env),
    ...(options.exporter ? { exporter: options.exporter } : {}),
  });
  if (tracing.enabled) {
    // Loaded only when tracing is on (they cost ~60 ms of start-up).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { registerInstrumentations } =
      require('@opentelemetry/instrumentation') as typeof OtelInstrumentation;
    const { HttpInstrumentation } =
      require('@opentelemetry/instrumentation-http') as typeof OtelHttpInstrumentation;
    /* eslint-enable @typescript-eslint/no-require-imports */
    registerInstrumentations({
      tracerProvider: tracing.provider,
      instrumentations: [
        new HttpInstrumentation({
          ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
        }),
      ],
    });
  }
  current = tracing;
  return tracing;
}
