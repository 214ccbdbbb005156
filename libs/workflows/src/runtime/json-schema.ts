import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Json, JsonObject } from '@flowgate/dsl';
import type { SchemaIssue } from '../decisions/approval.decision';

// ajv-formats is CommonJS with a `default` property; accept either shape.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

/**
 * JSON Schema checks of input-step data inside the workflow, with the same Ajv options the DSL
 * used to accept the schema (draft-07, formats, every error). Deterministic: Ajv compiles the
 * schema to a plain function; compiled schemas are cached by their JSON text (harmless to share).
 */
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | { error: string }>();

function instance(): Ajv {
  ajv ??= (() => {
    const a = new Ajv({
      allErrors: true,
      strict: false,
      logger: false,
      // Schemas are identified by step path, never by their own `$id`.
      addUsedSchema: false,
    });
    addFormats(a);
    return a;
  })();
  return ajv;
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return 'data';
  let out = 'data';
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key)
      ? `[${key}]`
      : /^[A-Za-z_$][\w$]*$/.test(key)
        ? `.${key}`
        : `[${JSON.stringify(key)}]`;
  }
  return out;
}

function issues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((e) => {
    const path = pointerToPath(e.instancePath);
    if (e.keyword === 'required') {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      return { path: `${path}.${prop}`, message: 'is required', keyword: e.keyword };
    }
    if (e.keyword === 'additionalProperties') {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: `${path}.${prop}`, message: 'is not allowed (unknown property)', keyword: e.keyword };
    }
    return { path, message: e.message ?? `fails ${e.keyword}`, keyword: e.keyword };
  });
}

/** The schema issues of `data` (empty when it matches). */
export function checkAgainstSchema(schema: JsonObject, data: Json): SchemaIssue[] {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    try {
      fn = instance().compile(schema);
    } catch (err) {
      fn = { error: err instanceof Error ? err.message : String(err) };
    }
    compiled.set(key, fn);
  }
  if ('error' in fn) return [{ path: 'schema', message: `the step's schema is invalid: ${fn.error}` }];
  if (fn(data)) return [];
  return issues(fn.errors);
}
