import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, toTemplate, type DiscoveredRoute } from '../src/openapi/openapi.document';
import { routesOfController } from '../src/openapi/openapi.service';
import { ROUTES } from '../src/openapi/route-registry';
import { ErrorCode } from '../src/common/errors/error-codes';

const SRC = join(__dirname, '..', 'src');

function controllerFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? controllerFiles(join(dir, e.name))
      : e.name.endsWith('.controller.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every route of every controller, read from Nest's decorator metadata. */
async function servedRoutes(): Promise<(DiscoveredRoute & { file: string })[]> {
  const out: (DiscoveredRoute & { file: string })[] = [];
  for (const file of controllerFiles()) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const exported of Object.values(mod)) {
      if (typeof exported !== 'function' || !Reflect.hasMetadata('path', exported)) continue;
      for (const r of routesOfController(exported as abstract new () => unknown))
        out.push({ ...r, file: relative(SRC, file) });
    }
  }
  return out;
}

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, unknown>;
        'x-flowgate-undocumented'?: boolean;
      }
    >
  >;
  components: { schemas: Record<string, unknown> };
};

describe('OpenAPI document', () => {
  it('has every controller route, each documented in the route registry', async () => {
    const served = await servedRoutes();
    expect(served.length).toBeGreaterThan(15);
    const doc = buildOpenApiDocument(ROUTES, { version: 'test', served }) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of served) {
      const op = doc.paths[toTemplate(route.path)]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path} (${route.file})`).toBeDefined();
      // Every served route is documented in the registry (none falls back to an undocumented stub).
      expect(op!['x-flowgate-undocumented'], `${route.method} ${route.path} (${route.file})`).toBeUndefined();
    }
    // …and nothing documented that no controller serves.
    const servedKeys = new Set(served.map((r) => `${r.method} ${toTemplate(r.path)}`));
    for (const r of ROUTES)
      expect(servedKeys.has(`${r.method} ${r.path}`), `${r.method} ${r.path}`).toBe(true);
  });

  it('documents requests with the zod schemas that validate them', () => {
    const doc = buildOpenApiDocument(ROUTES, { version: 'test' }) as Doc;
    const list = doc.paths['/v1/runs']!.get!;
    expect(list.parameters!.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
      'status',
      'pipeline',
      'tag',
      'createdAfter',
      'createdBefore',
      'parent',
      'limit',
      'cursor',
    ]);
    const start = doc.paths['/v1/runs']!.post!;
    expect(JSON.stringify(start.requestBody!.content['application/json']!.schema)).toContain('"pipeline"');
    expect(start.parameters!.map((p) => p.name)).toContain('Idempotency-Key');
    expect(doc.paths['/v1/pipelines']!.post!.requestBody!.content['application/yaml']).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
    // Every $ref resolves.
    for (const ref of JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []) {
      const name = ref.slice(ref.lastIndexOf('/') + 1, -1);
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
  });

  it('describes every error as problem+json with the stable codes', () => {
    const doc = buildOpenApiDocument(ROUTES, { version: 'test' }) as Doc;
    const problem = JSON.stringify(doc.components.schemas.Problem);
    for (const code of Object.values(ErrorCode)) expect(problem).toContain(`"${code}"`);
    const cancel = doc.paths['/v1/runs/{id}/cancel']!.post!;
    expect(Object.keys(cancel.responses)).toEqual(
      expect.arrayContaining(['202', '401', '403', '404', '409', '429']),
    );
    expect(JSON.stringify(cancel.responses['409'])).toContain('application/problem+json');
  });
});
