import type { LlmPriceTable } from '../settings';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Pure: the price entry of a model: exact name, then the longest `prefix*`, then `*`. */
export function priceOf(model: string, table: LlmPriceTable): { input: number; output: number } | undefined {
  if (table[model]) return table[model];
  let best: { len: number; price: { input: number; output: number } } | undefined;
  for (const [key, price] of Object.entries(table)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.len)) best = { len: prefix.length, price };
  }
  return best?.price;
}

/** Pure: cost units of a call (prices are per 1,000 tokens), rounded to 6 decimals; 0 for an unpriced model. */
export function costUnits(model: string, usage: TokenUsage, table: LlmPriceTable): number {
  const price = priceOf(model, table);
  if (!price) return 0;
  const units = (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1000;
  return Math.round(units * 1e6) / 1e6;
}
