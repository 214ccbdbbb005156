import type { Json, PipelinePlan } from '../plan/plan.types';
import { formatPath, type Problem } from '../parse/problem';
import type { Ajv } from 'ajv';
import { compileSchema, instanceIssues, withAjv, type CompiledSchema } from './json-schema-check';

/**
 * Compiled input validators by plan digest (plans are immutable, so the digest identifies the
 * schema). Compiling costs milliseconds; a gateway validates the same few plans over and over.
 * A compiled function stays valid after the shared Ajv forgets its schema.
 */
const compiledByDigest = new Map<string, CompiledSchema>();
const MAX_CACHED = 500;

function compiledFor(ajv: Ajv, plan: PipelinePlan, schema: object): CompiledSchema {
  const hit = compiledByDigest.get(plan.digest);
  if (hit) {
    compiledByDigest.delete(plan.digest);
    compiledByDigest.set(plan.digest, hit);
    return hit;
  }
  const compiled = compileSchema(ajv, schema);
  compiledByDigest.set(plan.digest, compiled);
  if (compiledByDigest.size > MAX_CACHED)
    compiledByDigest.delete(compiledByDigest.keys().next().value as string);
  return compiled;
}

/**
 * Checks a run input against the plan's input schema. Problems have code `invalid-run-input` and
 * paths such as `input.ticketId` or `input.items[2].qty` (no line/column: the input is data).
 */
export function validateRunInput(plan: PipelinePlan, input: Json | undefined): Problem[] {
  const schema = plan.inputSchema;
  if (!schema) return [];
  const cached = compiledByDigest.get(plan.digest);
  if (cached) return check(cached, input);
  return withAjv((ajv) => check(compiledFor(ajv, plan, schema), input));
}

function check(compiled: CompiledSchema, input: Json | undefined): Problem[] {
  if (!compiled.ok) {
    return [
      {
        code: 'invalid-input-schema',
        message: `the pipeline input schema is invalid: ${compiled.message}`,
        path: 'input',
        severity: 'error',
      },
    ];
  }
  const value = input === undefined ? null : input;
  if (compiled.validate(value)) return [];
  return instanceIssues(compiled.validate.errors, value).map((issue) => ({
    code: 'invalid-run-input',
    message: issue.message,
    path: formatPath(['input', ...issue.path]),
    severity: 'error' as const,
  }));
}
