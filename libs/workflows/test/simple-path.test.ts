import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { resolveSimplePath, simplePathSegments } from '../src/decisions/simple-path.decision';
import { evaluateTemplate } from '../src/runtime/expressions';
import { toJson } from '../src/decisions/values.decision';

const context = {
  input: {
    name: 'Ada',
    nested: { deep: { value: 7 } },
    list: [1, 2],
    objs: [{ a: 1 }, { a: 2 }],
    nil: null,
    zero: 0,
    f: false,
  },
  item: { text: 'hi', tags: ['x'] },
  index: 3,
  steps: { fetch: { output: { body: { text: 'ok' } }, status: 'succeeded' } },
};

async function viaJsonata(expr: string): Promise<unknown> {
  return toJson(await jsonata(expr).evaluate(context));
}

describe('simple path fast path', () => {
  it('recognises only plain dotted paths', () => {
    expect(simplePathSegments('steps.fetch.output.body')).toEqual(['steps', 'fetch', 'output', 'body']);
    expect(simplePathSegments(' item ')).toEqual(['item']);
    for (const e of ['true', 'null', 'a.and', '$x', 'a[0]', "a & 'b'", 'a.b.c()', 'items.`x`', '']) {
      expect(simplePathSegments(e), e).toBeNull();
    }
  });

  it('defers to JSONata when an array is crossed or returned', () => {
    expect(resolveSimplePath(['input', 'list'], context)).toBeUndefined();
    expect(resolveSimplePath(['input', 'objs', 'a'], context)).toBeUndefined();
  });

  it('agrees with JSONata wherever it answers', async () => {
    const paths = [
      'input',
      'input.name',
      'input.nested.deep.value',
      'input.nested.missing.value',
      'input.nil',
      'input.nil.x',
      'input.zero',
      'input.f',
      'input.name.length',
      'item.text',
      'index',
      'steps.fetch.output.body.text',
      'steps.fetch.status',
      'nothing',
    ];
    for (const expr of paths) {
      const direct = resolveSimplePath(simplePathSegments(expr)!, context);
      if (direct) expect(toJson(direct.value), expr).toEqual(await viaJsonata(expr));
    }
  });

  it('agrees with JSONata on generated documents and paths', async () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const doc = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 2 }),
        fc.dictionary(key, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, doc, { maxKeys: 3 }),
        fc.array(key, { minLength: 1, maxLength: 4 }),
        async (ctx, path) => {
          const expr = path.join('.');
          const direct = resolveSimplePath(path, ctx);
          if (direct) expect(toJson(direct.value)).toEqual(toJson(await jsonata(expr).evaluate(ctx)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('template evaluation: the synchronous simple path agrees with JSONata', () => {
  it('gives the same values for value, interpolated and nested templates', async () => {
    const ctx = {
      input: { name: 'Ada', n: 3, obj: { a: 1 } },
      steps: {},
      item: { t: 'x' },
      index: 2,
      run: {},
    } as never;
    const templates = [
      '${ input.name }',
      '  ${ input.n }  ',
      'Hello, ${ input.name }! (${ index })',
      { a: '${ input.obj }', b: ['${ item.t }', 'lit', 5, null, true], c: { d: '${ input.missing }' } },
      'n=${ input.n + 1 }',
    ];
    for (const t of templates) {
      const viaSimple = await evaluateTemplate(t as never, ctx, 'p', 'with');
      // The general path: force JSONata by wrapping each expression so it is not a plain path.
      const general = JSON.parse(
        JSON.stringify(t).replace(/\$\{ ([^}]+) \}/g, (_m, e: string) => `\${ (${e}) }`),
      );
      expect(viaSimple).toEqual(await evaluateTemplate(general as never, ctx, 'p', 'with'));
    }
    expect(await evaluateTemplate('$${ not an expression }', ctx, 'p', 'with')).toBe(
      '${ not an expression }',
    );
  });
});
