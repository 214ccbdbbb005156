import type { ExecutionResult, GraphQLError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { toProblem } from './problem-details.filter';
import { DomainError } from './domain.error';

/** Maps resolver errors to GraphQL errors with `extensions.code`; internal errors are masked. */
export function graphqlErrorFormatter(execution: ExecutionResult, _context: MercuriusContext) {
  const errors = (execution.errors ?? []).map((error: GraphQLError) => {
    const original = error.originalError;
    if (!original || original === error) {
      return { message: error.message, locations: error.locations, path: error.path, extensions: { code: 'graphql_validation_failed' } };
    }
    const problem = toProblem(original instanceof DomainError ? original : original);
    return {
      message: problem.detail,
      locations: error.locations,
      path: error.path,
      extensions: { code: problem.code, status: problem.status, ...(problem.errors ? { errors: problem.errors } : {}) },
    };
  });
  return { statusCode: 200, response: { data: execution.data ?? null, errors } };
}
