import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { GatewayMetrics } from './gateway-metrics';

/**
 * Fastify hooks of the gateway's HTTP observability:
 * - names the OpenTelemetry HTTP server span after the route template (`GET /v1/runs/:id`, and
 *   sets `http.route`), so traces group by route, not by URL;
 * - observes `flowgate_http_request_duration_seconds{method,route,status_code}` for every response.
 */
export function installHttpObservability(adapter: FastifyAdapter, metrics: GatewayMetrics): void {
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route) {
      const rpc = getRPCMetadata(context.active());
      if (rpc?.type === RPCType.HTTP) rpc.route = route;
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}
