import {
  buildSchema,
  parse,
  validate,
  Kind,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation, queryLimitsRule } from '../src/graphql/query-limits';
import { connectionToken } from '../src/graphql/graphql-options';

const schema = buildSchema(`
  type Step { path: String children: [Step] attempts: [Attempt] }
  type Attempt { attempt: Int status: String }
  type Run { id: ID status: String steps: [Step] childRuns: [Run] }
  type RunEdge { cursor: String node: Run }
  type RunConnection { edges: [RunEdge] }
  type Query { run(id: ID!): Run runs(first: Int): RunConnection }
`);

function measure(query: string) {
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return measureOperation(op.selectionSet, fragments);
}

describe('query limits', () => {
  it('measures depth (nested fields) and complexity (fields × page sizes)', () => {
    expect(measure('{ run(id: "1") { id } }')).toEqual({ depth: 2, complexity: 2 });
    expect(measure('{ run(id: "1") { steps { attempts { status } } } }')).toEqual({
      depth: 4,
      complexity: 4,
    });
    expect(measure('{ runs(first: 10) { edges { node { id status } } } }')).toEqual({
      depth: 4,
      complexity: 1 + 10 * (1 + (1 + 2)),
    });
    expect(measure('{ runs { edges { cursor } } }').complexity).toBe(1 + 20 * 2);
    expect(measure('query ($n: Int) { runs(first: $n) { edges { cursor } } }').complexity).toBe(1 + 100 * 2);
  });

  it('follows fragments and inline fragments, and does not charge introspection', () => {
    expect(measure('{ run(id: "1") { ...F } } fragment F on Run { steps { ... on Step { path } } }')).toEqual(
      { depth: 3, complexity: 3 },
    );
    expect(
      measure(
        '{ __schema { types { name fields { name type { ofType { ofType { ofType { name } } } } } } } }',
      ),
    ).toEqual({ depth: 0, complexity: 0 });
  });

  it('reports errors with stable codes, before execution', () => {
    const rule = queryLimitsRule({ maxDepth: 4, maxComplexity: 50 });
    const deep = validate(schema, parse('{ run(id: "1") { steps { children { children { path } } } } }'), [
      rule,
    ]);
    expect(deep.map((e) => e.extensions.code)).toEqual(['query_too_deep']);
    const complex = validate(schema, parse('{ runs(first: 30) { edges { cursor } } }'), [rule]);
    expect(complex.map((e) => e.extensions.code)).toEqual(['query_too_complex']);
    expect(validate(schema, parse('{ run(id: "1") { id status } }'), [rule])).toEqual([]);
  });
});

describe('connectionToken', () => {
  it('reads the key from a graphql-ws connection_init payload', () => {
    expect(connectionToken({ authorization: 'Bearer fgk_a' })).toBe('fgk_a');
    expect(connectionToken({ headers: { Authorization: 'bearer fgk_b' } })).toBe('fgk_b');
    expect(connectionToken({ apiKey: 'fgk_c' })).toBe('fgk_c');
    expect(connectionToken(undefined)).toBeUndefined();
  });
});
