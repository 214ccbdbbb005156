import { startGatewayTracing } from './gateway-tracing';

/**
 * Imported first by main.ts: the HTTP instrumentation has to be in place before Fastify loads.
 * Without an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER) this registers
 * nothing and exports nothing.
 */
export const gatewayTracing = startGatewayTracing();
