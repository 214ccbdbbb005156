import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { graphqlErrorFormatter } from '../src/common/errors/graphql-error.formatter';
import { refuseNonDocuments } from '../src/graphql/non-document.hook';

const context = (query: unknown) =>
  ({ reply: { request: { body: { query } } } }) as unknown as MercuriusContext;

describe('refuseNonDocuments (sources mercurius took for a JSON AST)', () => {
  it('lets GraphQL documents through', async () => {
    await expect(refuseNonDocuments(null, parse('{ a }'), context('{ a }'))).resolves.toBeUndefined();
  });

  it('refuses `2` with its syntax error, formatted as a coded validation error', async () => {
    const err = await refuseNonDocuments(null, 2, context('2')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MER_ERR_GQL_VALIDATION', statusCode: 400 });
    const formatted = graphqlErrorFormatter(
      { errors: [{ originalError: err } as never] },
      {} as MercuriusContext,
    );
    expect(formatted.response.errors).toEqual([
      expect.objectContaining({
        message: 'Syntax Error: Unexpected Int "2".',
        extensions: { code: 'graphql_validation_failed' },
      }),
    ]);
  });
});
