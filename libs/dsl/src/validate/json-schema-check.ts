import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { PathSegment } from '../parse/problem';

// ajv-formats is CommonJS with a `default` property; accept either shape.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

/**
 * Ajv for user JSON Schemas (draft-07). Strict about unknown keywords (a typo such as `requried`
 * is an error), lenient about type/tuple/required strictness, silent (no logging).
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    logger: false,
  });
  addFormats(ajv);
  return ajv;
}

let shared: Ajv | undefined;
let depth = 0;

/**
 * Runs `fn` with a shared Ajv instance (creating one costs tens of milliseconds) and forgets every
 * schema compiled meanwhile, so user schemas (and their `$id`s) never leak from one call to the next.
 */
export function withAjv<T>(fn: (ajv: Ajv) => T): T {
  shared ??= createAjv();
  depth++;
  try {
    return fn(shared);
  } finally {
    depth--;
    if (depth === 0) shared.removeSchema();
  }
}

export type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

export function compileSchema(ajv: Ajv, schema: object): CompiledSchema {
  try {
    return { ok: true, validate: ajv.compile(schema) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export interface InstanceIssue {
  path: PathSegment[];
  message: string;
  keyword: string;
}

function pointerSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let value = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: PathSegment = Array.isArray(value) && /^\d+$/.test(key) ? Number(key) : key;
    out.push(seg);
    value =
      value !== null && typeof value === 'object' ? (value as Record<PathSegment, unknown>)[seg] : undefined;
  }
  return out;
}

/** Ajv errors as path + message; `required` and `additionalProperties` point at the property itself. */
export function instanceIssues(
  errors: readonly ErrorObject[] | null | undefined,
  data: unknown,
): InstanceIssue[] {
  return (errors ?? []).map((e) => {
    const path = pointerSegments(e.instancePath, data);
    if (e.keyword === 'required') {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      return { path: [...path, prop], message: 'is required', keyword: e.keyword };
    }
    if (e.keyword === 'additionalProperties') {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: [...path, prop], message: 'is not allowed (unknown property)', keyword: e.keyword };
    }
    return { path, message: e.message ?? `fails ${e.keyword}`, keyword: e.keyword };
  });
}
