import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec';
import {
  apiKeySchema,
  createApiKeySchema,
  createdApiKeySchema,
  listApiKeysQuerySchema,
} from './dto/create-api-key.dto';

export const apiKeysRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/v1/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key (the token is returned once)',
    tag: 'api-keys',
    permission: 'admin',
    body: { schema: createApiKeySchema, required: true },
    responses: { 201: { description: 'Created', schema: createdApiKeySchema } },
  },
  {
    method: 'GET',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    summary: 'List API keys (prefixes only)',
    tag: 'api-keys',
    permission: 'admin',
    query: listApiKeysQuerySchema,
    responses: { 200: { description: 'Keys', schema: z.object({ items: z.array(apiKeySchema) }) } },
  },
  {
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description:
      'Effective at once on the gateway process that serves the request; other processes may accept the key until their cache entry ' +
      'expires (FLOWGATE_API_KEY_CACHE_TTL_MS, 30 s by default).',
    tag: 'api-keys',
    permission: 'admin',
    params: { id: { description: 'Key id', schema: z.uuid() } },
    responses: { 200: { description: 'The revoked key', schema: apiKeySchema } },
  },
];
