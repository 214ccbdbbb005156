import { createHash } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';

// ajv-formats is CommonJS: depending on interop its plugin is the module or its `default`.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ??
  addFormatsImport) as typeof addFormatsImport;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

const MAX_CACHED = 200;
const compiled = new Map<string, ValidateFunction>();

/** A compiled validator of a JSON Schema (cached by schema digest), or the reason it does not compile. */
export function schemaValidator(schema: object): { validate: ValidateFunction } | { error: string } {
  const key = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
  const hit = compiled.get(key);
  if (hit) return { validate: hit };
  try {
    const validate = ajv.compile(schema);
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, validate);
    return { validate };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Every problem of a value against a compiled schema, as `path: message` lines. */
export function schemaProblems(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message ?? 'is invalid'}`);
}
