import { parsePolicyText, parsePolicyValue, type PolicyDocument } from '@flowgate/policy';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';

export type PolicyFormat = 'yaml' | 'json';

/** A request body holding a policy document: YAML/JSON text, or a parsed JSON object. */
export function policyText(
  body: unknown,
  contentType: string | undefined,
): { text: string; format: PolicyFormat } {
  if (typeof body === 'string')
    return { text: body, format: /json/.test(contentType ?? '') ? 'json' : 'yaml' };
  if (body && typeof body === 'object') return { text: JSON.stringify(body, null, 2), format: 'json' };
  throw new DomainError(
    ErrorCode.ValidationFailed,
    'the request body must be a policy document (YAML or JSON)',
  );
}

/** Parses and validates a policy document; every problem comes back in one 400. */
export function parsePolicyOrThrow(
  source: string | object,
  format: PolicyFormat = 'yaml',
): { document: PolicyDocument; digest: string } {
  const result = typeof source === 'string' ? parsePolicyText(source, format) : parsePolicyValue(source);
  if (result.ok) return { document: result.document, digest: result.digest };
  const n = result.problems.length;
  throw new DomainError(
    ErrorCode.ValidationFailed,
    `the policy document has ${n} problem${n === 1 ? '' : 's'}`,
    result.problems.map((p) => ({ ...p })),
  );
}
