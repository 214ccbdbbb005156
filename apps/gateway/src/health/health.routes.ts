import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';

export const healthRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness',
    tag: 'health',
    permission: 'public',
    responses: {
      200: { description: 'The process serves requests', schema: z.object({ status: z.literal('ok') }) },
    },
  },
  {
    method: 'GET',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: one indicator per dependency (temporal, postgres)',
    tag: 'health',
    permission: 'public',
    responses: {
      200: {
        description: 'Ready',
        schema: z.object({ status: z.string(), info: z.unknown(), error: z.unknown(), details: z.unknown() }),
      },
      503: { description: 'A dependency is down' },
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (text exposition format); see docs/operations.md',
    description:
      'Public unless `FLOWGATE_METRICS_TOKEN` is set: then it needs `Authorization: Bearer <token>`.',
    tag: 'health',
    permission: 'public',
    responses: {
      200: { description: 'The metrics, `text/plain; version=0.0.4`', schema: z.string() },
      401: {
        description:
          '`unauthenticated`: FLOWGATE_METRICS_TOKEN is set and the bearer token is missing or wrong',
      },
    },
  },
];
