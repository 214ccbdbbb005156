import type { z } from 'zod';
import type { Permission } from '../auth/principal';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * One REST operation as documented in /openapi.json. Request parts reference the same zod
 * schemas that the controllers validate with, so the document cannot drift from the checks.
 */
export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI path template: `/v1/runs/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** `public`: no API key. */
  permission: Permission | 'public';
  params?: Record<string, { description: string; schema: z.ZodType }>;
  query?: z.ZodObject;
  headers?: Record<string, { description: string; schema: z.ZodType; required?: boolean }>;
  body?: { schema?: z.ZodType; contentTypes?: string[]; description?: string; required?: boolean };
  responses: Record<number, ResponseSpec>;
}
