import { GraphQLError, Kind, parse } from 'graphql';
import type { MercuriusContext } from 'mercurius';

/**
 * mercurius takes a source that fails to parse as GraphQL but parses as JSON (`2`, `"a"`) for a
 * ready-made AST, and graphql-js then throws a plain assertion (a 500). This preValidation hook
 * (it runs once per distinct source: mercurius caches parsed documents) refuses anything that is
 * not a Document with the source's own syntax error, as mercurius refuses other syntax errors.
 */
export async function refuseNonDocuments(
  _schema: unknown,
  document: unknown,
  context: MercuriusContext,
): Promise<void> {
  if ((document as { kind?: unknown } | null)?.kind === Kind.DOCUMENT) return;
  const request = context.reply.request as { body?: { query?: unknown }; query?: { query?: unknown } };
  const source = request.body?.query ?? request.query?.query;
  let syntaxError = new GraphQLError('the query is not a GraphQL document');
  try {
    parse(String(source));
  } catch (err) {
    if (err instanceof GraphQLError) syntaxError = err;
  }
  throw Object.assign(new Error('Graphql validation error'), {
    code: 'MER_ERR_GQL_VALIDATION',
    statusCode: 400,
    errors: [syntaxError],
  });
}
