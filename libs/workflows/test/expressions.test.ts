import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { evaluate, evaluateTemplate } from '../src/runtime/expressions';
import type { ExprContext } from '../src/runtime/runtime.types';

const ctx: ExprContext = {
  input: { name: 'ada', n: 2, tags: ['a', 'b'] },
  steps: { fetch: { output: { body: { messages: [{ text: 'hi' }] } }, status: 'succeeded' } },
  item: null,
  index: null,
  run: { id: 'r1', tenant: 't', submittedBy: 'u', submittedAt: '2025-01-01T00:00:00Z' },
};

describe('expressions (JSONata, no Temporal needed)', () => {
  it('evaluates with the { input, steps, item, index, run } context', async () => {
    expect(await evaluate('input.n * 3', ctx, 's', 'x')).toBe(6);
    expect(await evaluate('steps.fetch.output.body.messages[0].text', ctx, 's', 'x')).toBe('hi');
    expect(await evaluate('nothing.here', ctx, 's', 'x')).toBeNull();
  });

  it('templates: a sole ${ } keeps the value type, text around it interpolates, $${ escapes', async () => {
    const out = await evaluateTemplate(
      {
        whole: '${ input.tags }',
        text: 'hello ${ input.name } (${ input.n })',
        esc: '$${literal}',
        nested: ['${ run.tenant }', 1, null],
      },
      ctx,
      's',
      'with',
    );
    expect(out).toEqual({
      whole: ['a', 'b'],
      text: 'hello ada (2)',
      esc: '${literal}',
      nested: ['t', 1, null],
    });
  });

  it('errors become non-retryable ExpressionError naming the step and the expression', async () => {
    const err = await evaluate('$number("x")', ctx, 'loop[2]/fetch', 'with').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'ExpressionError', nonRetryable: true });
    expect((err as Error).message).toContain("step 'loop[2]/fetch'");
    expect((err as Error).message).toContain('$number("x")');
    const syntax = await evaluateTemplate('${ input.( }', ctx, 'a', 'with').catch((e: unknown) => e);
    expect(syntax).toMatchObject({ type: 'ExpressionError' });
    const unclosed = await evaluateTemplate('x ${ input', ctx, 'a', 'with').catch((e: unknown) => e);
    expect(unclosed).toMatchObject({ type: 'ExpressionError' });
  });
});
