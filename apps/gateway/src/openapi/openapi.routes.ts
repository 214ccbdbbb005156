import { z } from 'zod';
import type { RouteSpec } from './route-spec';

export const openapiRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document (OpenAPI 3.1)',
    tag: 'meta',
    permission: 'public',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
  },
  {
    method: 'GET',
    path: '/docs',
    operationId: 'docs',
    summary: 'Human-readable API reference generated from this document',
    tag: 'meta',
    permission: 'public',
    responses: { 200: { description: 'HTML', contentType: 'text/html', schema: z.string() } },
  },
];
