import { describe, expect, it } from 'vitest';
import { costUnits, DEFAULT_LLM_PRICES, priceOf } from '../src/index';

const table = {
  '*': { input: 1, output: 1 },
  'gpt-4o*': { input: 2.5, output: 10 },
  'gpt-4o-mini*': { input: 0.15, output: 0.6 },
  small: { input: 0.1, output: 0.2 },
};

describe('llm pricing', () => {
  it('picks the exact model, then the longest prefix, then *', () => {
    expect(priceOf('small', table)).toEqual({ input: 0.1, output: 0.2 });
    expect(priceOf('gpt-4o-mini-2024-07-18', table)).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('gpt-4o-2024-08-06', table)).toEqual({ input: 2.5, output: 10 });
    expect(priceOf('llama3', table)).toEqual({ input: 1, output: 1 });
    expect(priceOf('llama3', { small: { input: 1, output: 1 } })).toBeUndefined();
  });

  it('prices per 1,000 tokens, input and output apart', () => {
    const usage = { promptTokens: 1200, completionTokens: 300, totalTokens: 1500 };
    expect(costUnits('gpt-4o', usage, table)).toBe(6);
    expect(costUnits('anything', usage, DEFAULT_LLM_PRICES)).toBe(1.5);
    expect(costUnits('x', usage, {})).toBe(0);
  });
});
