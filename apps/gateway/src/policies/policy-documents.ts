import { parsePolicyText, parsePolicyValue, type PolicyDocument } from '@flowgate/policy';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { documentBody } from '../common/validation/document-body';

export type PolicyFormat = 'yaml' | 'json';

/** The text of a policy document sent as a request body. */
export function policyText(
  body: unknown,
  contentType: string | undefined,
): { text: string; format: PolicyFormat } {
  return documentBody(body, contentType, 'policy');
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
