import type { Json, PipelinePlan } from '../plan/plan.types';
import { formatPath, type Problem } from '../parse/problem';
import type { Ajv } from 'ajv';
import { compileSchema, instanceIssues, withAjv } from './json-schema-check';

/**
 * Checks a run input against the plan's input schema. Problems have code `invalid-run-input` and
 * paths such as `input.ticketId` or `input.items[2].qty` (no line/column: the input is data).
 */
export function validateRunInput(plan: PipelinePlan, input: Json | undefined): Problem[] {
  const schema = plan.inputSchema;
  if (!schema) return [];
  return withAjv((ajv) => check(ajv, schema, input));
}

function check(ajv: Ajv, schema: object, input: Json | undefined): Problem[] {
  const compiled = compileSchema(ajv, schema);
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
