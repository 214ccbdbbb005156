import { describe, expect, it } from 'vitest';
import {
  analyzeTemplate,
  checkExpression,
  hasExpression,
  soleExpression,
  splitTemplate,
  templateExpressions,
  TemplateSyntaxError,
  parseDuration,
  formatDuration,
  sha256Hex,
  canonicalJson,
} from '../src';

describe('splitTemplate', () => {
  it('splits text and expressions, honouring nested braces, strings and comments', () => {
    expect(splitTemplate("Hi ${ input.name }, ${ {'a': '}'}.a /* } */ }!")).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'expr', expr: 'input.name', offset: 3 },
      { kind: 'text', text: ', ' },
      { kind: 'expr', expr: "{'a': '}'}.a /* } */", offset: 20 },
      { kind: 'text', text: '!' },
    ]);
  });

  it('treats $${ as a literal ${', () => {
    expect(splitTemplate('cost: $${ 5 }')).toEqual([{ kind: 'text', text: 'cost: ${ 5 }' }]);
    expect(hasExpression('cost: $${ 5 }')).toBe(false);
  });

  it('rejects unclosed and empty expressions', () => {
    expect(() => splitTemplate('a ${ b')).toThrow(TemplateSyntaxError);
    expect(() => splitTemplate('a ${ }')).toThrow('empty expression at offset 2');
  });

  it('finds a sole expression only when the whole string is one ${ }', () => {
    expect(soleExpression('  ${ steps.a.output }  ')).toBe('steps.a.output');
    expect(soleExpression('${ a } ${ b }')).toBeUndefined();
    expect(soleExpression('x ${ a }')).toBeUndefined();
    expect(soleExpression('$${ a }')).toBeUndefined();
  });

  it('locates every expression in a template value', () => {
    expect(templateExpressions({ a: ['x', '${ 1 }'], b: { c: 'n=${ 2 } m=${ 3 }' }, d: 4 })).toEqual([
      { path: ['a', 1], expr: '1' },
      { path: ['b', 'c'], expr: '2' },
      { path: ['b', 'c'], expr: '3' },
    ]);
  });
});

describe('checkExpression / analyzeTemplate', () => {
  it('lists steps.<id> references, including backtick names and references inside predicates and calls', () => {
    const result = checkExpression('$count(steps.a.output[steps.`b`.output > 1]) + input.n');
    expect(result).toEqual({ ok: true, stepRefs: ['a', 'b'], roots: ['steps', 'input'] });
  });

  it('reports parse errors with their position', () => {
    expect(checkExpression('1 +')).toEqual({
      ok: false,
      message: 'Unexpected end of expression',
      position: 3,
    });
  });

  it('collects template problems without throwing', () => {
    expect(analyzeTemplate({ x: '${ 1 + }', y: '${ open', z: '${ steps.q.output }' })).toEqual({
      expressions: [{ path: ['z'], expr: 'steps.q.output', stepRefs: ['q'], roots: ['steps'] }],
      issues: [
        {
          path: ['x'],
          expr: '1 +',
          message: 'invalid expression ${ 1 + }: Unexpected end of expression (at position 3)',
        },
        { path: ['y'], message: "unclosed expression: '${' at offset 0 has no matching '}'" },
      ],
    });
  });
});

describe('durations, digest helpers', () => {
  it('parses durations in every unit, compound and numeric', () => {
    expect(
      ['500ms', '30s', '5m', '24h', '1d', '1h30m', '1.5s', 250, '0s'].map((d) => parseDuration(d)),
    ).toEqual([500, 30_000, 300_000, 86_400_000, 86_400_000, 5_400_000, 1500, 250, 0]);
    expect(['5', '5 m', 'm5', '-1s', '', '1w'].map((d) => parseDuration(d))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(parseDuration(-1)).toBeUndefined();
    expect(formatDuration(90_061_001)).toBe('1d1h1m1s1ms');
  });

  it('computes sha256 and canonical JSON', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('a'.repeat(1000))).toBe(
      '41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3',
    );
    expect(canonicalJson({ b: [1, { d: 1, c: undefined, a: 'x' }], a: null })).toBe(
      '{"a":null,"b":[1,{"a":"x","d":1}]}',
    );
  });
});
