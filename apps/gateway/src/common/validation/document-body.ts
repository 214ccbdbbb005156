import { DomainError } from '../errors/domain.error';
import { ErrorCode } from '../errors/error-codes';

/**
 * The text of a document sent as a request body: YAML text as is, JSON (parsed by Fastify)
 * re-serialised so that problems still get line numbers.
 */
export function documentBody(
  body: unknown,
  contentType: string | undefined,
  kind: 'pipeline' | 'policy',
): { text: string; format: 'yaml' | 'json' } {
  if (typeof body === 'string')
    return { text: body, format: /json/.test(contentType ?? '') ? 'json' : 'yaml' };
  if (body && typeof body === 'object') return { text: JSON.stringify(body, null, 2), format: 'json' };
  throw new DomainError(
    ErrorCode.ValidationFailed,
    `the request body must be a ${kind} document (YAML or JSON)`,
  );
}
