import { z } from 'zod';
import { PipelineDocumentSchema, StepSchema } from '@flowgate/dsl';
import { problemSchema } from '../common/errors/problem.schema';
import { runSchema, stepSchema } from '../runs/dto/run.response';
import type { HttpMethod, RouteSpec } from './route-spec';

type Json = Record<string, unknown>;

/** A route served by a controller (from Nest's metadata), `:param` style. */
export interface DiscoveredRoute {
  method: HttpMethod;
  path: string;
}

const COMPONENTS = '#/components/schemas/';

/** Nest/Fastify path (`/v1/runs/:id`) → OpenAPI template (`/v1/runs/{id}`). */
export const toTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Named schemas, referenced from operations as `#/components/schemas/<name>`. */
const NAMED: [string, z.ZodType][] = [
  ['Problem', problemSchema],
  ['Run', runSchema],
  ['Step', stepSchema],
  ['PipelineDocument', PipelineDocumentSchema as z.ZodType],
  ['PipelineStep', StepSchema as z.ZodType],
];

function namedSchemas() {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of NAMED) registry.add(schema, { id });
  return registry;
}

/** Moves `$defs` into components and rewrites the references; strips `$schema`. */
function hoist(schema: Json, components: Json, prefix: string): Json {
  const defs = (schema.$defs ?? {}) as Record<string, Json>;
  const rename = (name: string) => (name.startsWith('__') ? `${prefix}${name}` : name);
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$schema' || k === '$defs' || k === '$id') continue;
      out[k] =
        k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
          ? `${COMPONENTS}${rename(v.slice(8))}`
          : rewrite(v);
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) components[rename(name)] ??= rewrite(def);
  return rewrite(schema) as Json;
}

/**
 * The OpenAPI 3.1 document of the REST API, built from the route registry (whose request
 * schemas are the very zod schemas the controllers validate with) and the routes the
 * controllers actually serve (any served route missing from the registry still appears,
 * marked `x-flowgate-undocumented`).
 */
export function buildOpenApiDocument(
  routes: readonly RouteSpec[],
  options: { version: string; served?: readonly DiscoveredRoute[]; serverUrl?: string },
): Json {
  const registry = namedSchemas();
  const components: Json = {};
  const toJson = (schema: z.ZodType, prefix: string, io: 'input' | 'output'): Json =>
    hoist(
      z.toJSONSchema(schema, {
        metadata: registry,
        target: 'draft-2020-12',
        io,
        unrepresentable: 'any',
        cycles: 'ref',
        reused: 'inline',
      }) as Json,
      components,
      prefix,
    );
  for (const [id, schema] of NAMED) {
    // Standalone (no registry), so that a named schema is not a reference to itself.
    const standalone = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: 'output',
      unrepresentable: 'any',
      cycles: 'ref',
      reused: 'inline',
    });
    components[id] = hoist(standalone as Json, components, `${id}_`);
  }

  const paths: Record<string, Record<string, Json>> = {};
  const problem = { 'application/problem+json': { schema: { $ref: `${COMPONENTS}Problem` } } };
  for (const r of routes) {
    const parameters: Json[] = [];
    for (const [name, p] of Object.entries(r.params ?? {})) {
      parameters.push({
        name,
        in: 'path',
        required: true,
        description: p.description,
        schema: toJson(p.schema, r.operationId, 'input'),
      });
    }
    if (r.query) {
      for (const [name, field] of Object.entries(r.query.shape as Record<string, z.ZodType>)) {
        const schema = toJson(field, r.operationId, 'input');
        parameters.push({
          name,
          in: 'query',
          required: !field.safeParse(undefined).success,
          ...(field.description ? { description: field.description } : {}),
          schema,
        });
      }
    }
    for (const [name, h] of Object.entries(r.headers ?? {})) {
      parameters.push({
        name,
        in: 'header',
        required: h.required ?? false,
        description: h.description,
        schema: toJson(h.schema, r.operationId, 'input'),
      });
    }
    const responses: Json = {};
    for (const [status, res] of Object.entries(r.responses)) {
      const isError = Number(status) >= 400;
      responses[status] = {
        description: res.description,
        ...(res.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(res.headers).map(([h, d]) => [
                  h,
                  { description: d, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
        content:
          isError && !res.schema
            ? problem
            : {
                [res.contentType ?? 'application/json']: {
                  schema: res.schema ? toJson(res.schema, r.operationId, 'output') : {},
                },
              },
      };
    }
    const standard: Record<number, string> =
      r.permission === 'public'
        ? {}
        : {
            400: 'Invalid request',
            401: 'No, invalid or revoked API key',
            403: 'The key’s role may not do this',
            404: 'Not found in the caller’s tenant',
            413: 'Body larger than FLOWGATE_BODY_LIMIT_BYTES',
            429: 'Rate limit of the key exceeded (see Retry-After)',
          };
    standard[500] = 'Internal error';
    standard[503] = 'Temporal or PostgreSQL unreachable';
    for (const [status, description] of Object.entries(standard))
      responses[status] ??= { description, content: problem };

    const operation: Json = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      ...(r.permission === 'public' ? { security: [] } : { 'x-flowgate-permission': r.permission }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: r.body.required ?? true,
              ...(r.body.description ? { description: r.body.description } : {}),
              content: Object.fromEntries(
                (r.body.contentTypes ?? ['application/json']).map((ct) => [
                  ct,
                  { schema: r.body?.schema ? toJson(r.body.schema, r.operationId, 'input') : {} },
                ]),
              ),
            },
          }
        : {}),
      responses,
    };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = operation;
  }
  for (const served of options.served ?? []) {
    const path = toTemplate(served.path);
    const method = served.method.toLowerCase();
    if (paths[path]?.[method]) continue;
    (paths[path] ??= {})[method] = {
      summary: `${served.method} ${path}`,
      'x-flowgate-undocumented': true,
      responses: { default: { description: 'See the owning feature’s documentation', content: problem } },
    };
  }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Flowgate API',
      version: options.version,
      description:
        'Durable pipelines on Temporal. Errors are application/problem+json (RFC 9457) with a stable `code`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearer: [] }, { apiKey: [] }],
    tags: ['runs', 'pipelines', 'api-keys', 'health', 'meta'].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Authorization: Bearer fgk_<prefix>_<secret>',
        },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
