import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocumentValue, parsePipelineText, type Problem } from '../src';
import { withSteps } from './fixtures';

const errorsOf = (text: string, options = {}): Problem[] => {
  const result = parsePipelineText(text, options);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
};

describe('parsePipelineText', () => {
  it('parses a valid document without changing it', () => {
    const result = parsePipelineText(withSteps('    - { id: a, uses: core.echo, with: { x: 1 } }'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document).toEqual({
      apiVersion: 'flowgate/v1',
      kind: 'Pipeline',
      metadata: { name: 't', version: 1 },
      spec: { steps: [{ id: 'a', uses: 'core.echo', with: { x: 1 } }] },
    });
    expect(result.warnings).toEqual([]);
    expect(result.source.locate(['spec', 'steps', 0, 'with', 'x'])).toEqual({ line: 6, column: 44 });
  });

  it('reports a schema error with its path and the exact line/column of the value', () => {
    const problems = errorsOf(
      withSteps(`
    - id: a
      uses: core.echo
      retry:
        maxAttempts: 0`),
    );
    expect(problems).toEqual([
      {
        code: 'schema',
        message: 'must be at least 1',
        path: 'spec.steps[0].retry.maxAttempts',
        line: 9,
        column: 22,
        severity: 'error',
      },
    ]);
  });

  it('reports every schema problem at once, unknown keys at the key, sorted by position', () => {
    const problems = errorsOf(
      withSteps(`
    - id: a
      uses: core.echo
      retries: 3
    - id: b
      wait: { duration: 5 minutes }
    - id: 9c
      set: { x: 1 }`),
    );
    expect(problems.map((p) => [p.path, p.message, p.line, p.column])).toEqual([
      ['spec.steps[0].retries', "unknown key 'retries'", 8, 7],
      [
        'spec.steps[1].wait.duration',
        'must be a duration such as 500ms, 30s, 5m, 24h, 1d or 1h30m (or a number of milliseconds)',
        10,
        25,
      ],
      [
        'spec.steps[2].id',
        'step id must start with a letter or _ and contain only letters, digits and _ (at most 64 characters)',
        11,
        11,
      ],
    ]);
  });

  it('says exactly one kind key is needed when a step has none or several', () => {
    const problems = errorsOf(
      withSteps(`
    - id: a
      with: { x: 1 }
    - id: b
      uses: core.echo
      set: { y: 2 }`),
    );
    expect(problems.map((p) => [p.path, p.message, p.line, p.column])).toEqual([
      [
        'spec.steps[0]',
        'step must have exactly one of uses|parallel|map|switch|loop|wait|pipeline|set|fail|approval|input (found: none)',
        6,
        7,
      ],
      [
        'spec.steps[1]',
        'step must have exactly one of uses|parallel|map|switch|loop|wait|pipeline|set|fail|approval|input (found: uses, set)',
        8,
        7,
      ],
    ]);
  });

  it('reports errors of the intended step kind, deep inside nested steps', () => {
    const problems = errorsOf(
      withSteps(`
    - id: par
      parallel:
        branches:
          - - id: ok
              uses: core.echo
          - - id: inner
              map:
                items: "\${ input.xs }"
                concurrency: many
                steps: [ { id: leaf, fail: {} } ]`),
    );
    expect(problems.map((p) => [p.path, p.message, p.line, p.column])).toEqual([
      ['spec.steps[0].parallel.branches[1][0].map.concurrency', 'expected number, got string', 14, 30],
      [
        'spec.steps[0].parallel.branches[1][0].map.steps[0].fail.message',
        'is required (expected string)',
        15,
        44,
      ],
    ]);
  });

  it('reports missing required keys at the parent node', () => {
    const problems = errorsOf('apiVersion: flowgate/v1\nkind: Pipeline\nmetadata:\n  name: x\nspec: {}\n');
    expect(problems.map((p) => [p.path, p.message, p.line, p.column])).toEqual([
      ['metadata.version', 'is required (expected number)', 4, 3],
      ['spec.steps', 'is required (expected array)', 5, 7],
    ]);
  });

  it('checks expression-only fields and union fields precisely', () => {
    const problems = errorsOf(
      withSteps(`
    - id: a
      when: input.x > 1
      uses: core.echo
    - id: b
      parallel:
        join: { atMost: 1 }
        branches: [ [ { id: c, set: { v: 1 } } ] ]
    - id: d
      wait: { until: tomorrow }
    - id: e
      loop: { while: "\${ true }", until: "\${ false }", steps: [ { id: f, set: {} } ] }`),
    );
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['spec.steps[0].when', 'must be a single ${ } expression, e.g. "${ input.count > 0 }"'],
      ['spec.steps[1].parallel.join.atLeast', 'is required (expected number)'],
      ['spec.steps[1].parallel.join.atMost', "unknown key 'atMost'"],
      [
        'spec.steps[2].wait.until',
        'must be a ${ } expression or an ISO-8601 timestamp such as 2030-01-01T09:00:00Z',
      ],
      ['spec.steps[3].loop', 'loop must have exactly one of while|until'],
    ]);
  });

  it('reports duplicate keys as errors, at the second key', () => {
    const problems = errorsOf(
      withSteps(`
    - id: a
      uses: core.echo
      id: b`),
    );
    expect(problems).toEqual([
      {
        code: 'duplicate-key',
        message: "duplicate key 'id'",
        path: 'spec.steps[0].id',
        line: 8,
        column: 7,
        severity: 'error',
      },
    ]);
  });

  it('reports YAML syntax errors with line/column and never throws', () => {
    const problems = errorsOf('apiVersion: flowgate/v1\nkind: [Pipeline\nmetadata: {}\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ code: 'yaml-syntax', severity: 'error', line: 3, column: 1 });
  });

  it('reports an empty document and a non-object document', () => {
    expect(errorsOf('  \n')).toEqual([
      { code: 'empty-document', message: 'the document is empty', path: '', severity: 'error' },
    ]);
    expect(errorsOf('- 1\n- 2\n')).toEqual([
      {
        code: 'schema',
        message: 'a pipeline document must be an object with apiVersion, kind, metadata and spec',
        path: '',
        line: 1,
        column: 1,
        severity: 'error',
      },
    ]);
  });

  it('gives JSON input line/column too, and rejects non-JSON scalars in JSON mode', () => {
    const json = [
      '{',
      '  "apiVersion": "flowgate/v1",',
      '  "kind": "Pipeline",',
      '  "metadata": { "name": "t", "version": 1 },',
      '  "spec": { "steps": [ { "id": "a", "uses": "core.echo", "timeout": { "startToClose": "fast" } } ] }',
      '}',
    ].join('\n');
    expect(errorsOf(json, { sourceName: 'p.json' }).map((p) => [p.path, p.line, p.column])).toEqual([
      ['spec.steps[0].timeout.startToClose', 5, 87],
    ]);
    const bad = errorsOf('{ "apiVersion": flowgate }', { format: 'json' });
    expect(bad[0]).toMatchObject({ code: 'json-syntax', line: 1, column: 17 });
  });

  it('reports duplicate keys in JSON', () => {
    const problems = errorsOf('{ "apiVersion": "flowgate/v1", "apiVersion": "x" }', { format: 'json' });
    expect(problems.find((p) => p.code === 'duplicate-key')).toMatchObject({
      code: 'duplicate-key',
      path: 'apiVersion',
      line: 1,
      column: 32,
    });
  });

  it('refuses absurdly nested documents and non-finite numbers with a problem, not a crash', () => {
    const deep = withSteps(`    - { id: a, uses: core.echo, with: ${'['.repeat(100)}${']'.repeat(100)} }`);
    expect(errorsOf(deep)).toEqual([
      {
        code: 'too-deep',
        message: 'the document is nested more than 64 levels deep',
        path: '',
        severity: 'error',
      },
    ]);
    const huge = withSteps(`    - { id: a, uses: core.echo, with: ${'['.repeat(5000)}${']'.repeat(5000)} }`);
    expect(errorsOf(huge).length).toBeGreaterThan(0);
    expect(errorsOf(withSteps('    - { id: a, uses: core.echo, retry: { maxAttempts: .inf } }'))).toEqual([
      {
        code: 'schema',
        message: 'must be a finite number, got Infinity',
        path: 'spec.steps[0].retry.maxAttempts',
        line: 6,
        column: 55,
        severity: 'error',
      },
    ]);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parsePipelineText(text);
        return result.ok || result.problems.length > 0;
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parsePipelineText(JSON.stringify(value) ?? 'null', { format: 'json' });
        return !result.ok;
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseDocumentValue', () => {
  it('checks plain values without positions', () => {
    const result = parseDocumentValue({
      apiVersion: 'flowgate/v2',
      kind: 'Pipeline',
      metadata: { name: 't', version: 1 },
      spec: { steps: [] },
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          code: 'schema',
          message: 'Invalid input: expected "flowgate/v1"',
          path: 'apiVersion',
          severity: 'error',
        },
        { code: 'schema', message: 'must contain at least 1 item(s)', path: 'spec.steps', severity: 'error' },
      ],
    });
  });
});
