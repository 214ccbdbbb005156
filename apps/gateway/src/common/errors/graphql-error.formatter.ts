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
  return { statusCode: 200, response: { data: execution.data ?? null, errors } };
}

function validationError(error: GraphQLError) {
  const extensions = error.extensions?.code ? { ...error.extensions } : { code: 'graphql_validation_failed' };
  return { message: error.message, locations: error.locations, path: error.path, extensions };
}
