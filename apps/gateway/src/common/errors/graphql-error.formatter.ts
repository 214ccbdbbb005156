import type { ExecutionResult, GraphQLError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { toProblem } from './problem-details.filter';

/** Maps resolver errors to GraphQL errors with `extensions.code`; internal errors are masked. */
export function graphqlErrorFormatter(execution: ExecutionResult, _context: MercuriusContext) {
  const errors = (execution.errors ?? []).flatMap((error: GraphQLError) => {
    const original = error.originalError as (Error & { code?: string; errors?: unknown[] }) | undefined;
    // Mercurius wraps validation failures (including the depth/complexity limits, which carry their own code).
    if (original?.code === 'MER_ERR_GQL_VALIDATION' && Array.isArray(original.errors)) {
      return original.errors.map((e) => validationError(e as GraphQLError));
    }
    if (!original || original === error) return [validationError(error)];
    const problem = toProblem(original);
    return [
      {
        message: problem.detail,
        locations: error.locations,
        path: error.path,
        extensions: {
          code: problem.code,
          status: problem.status,
          ...(problem.errors ? { errors: problem.errors } : {}),
        },
      },
    ];
  });
  return {
    statusCode: httpLayerStatus(execution) ?? 200,
    response: { data: execution.data ?? null, errors },
  };
}

/**
 * The status of a request refused by the HTTP layer before any GraphQL ran (body over the limit,
 * unsupported or malformed body): kept as over REST (413 `payload_too_large`, ...), not 200.
 */
function httpLayerStatus(execution: ExecutionResult): number | undefined {
  if (execution.data !== undefined || execution.errors?.length !== 1) return undefined;
  const original = execution.errors[0]!.originalError as { code?: unknown; statusCode?: unknown } | undefined;
  const status = original?.statusCode;
  return typeof original?.code === 'string' &&
    original.code.startsWith('FST_ERR_CTP_') &&
    typeof status === 'number' &&
    status >= 400 &&
    status < 500
    ? status
    : undefined;
}

function validationError(error: GraphQLError) {
  const extensions = error.extensions?.code ? { ...error.extensions } : { code: 'graphql_validation_failed' };
  return { message: error.message, locations: error.locations, path: error.path, extensions };
}
