import { z } from 'zod';

/** Price of one model in cost units per 1,000 tokens. */
export const llmPriceSchema = z
  .object({ input: z.number().nonnegative(), output: z.number().nonnegative() })
  .strict();

/**
 * Per-model prices: keys are exact model names, prefixes ending in `*` (`gpt-4o*`), or `*` (any
 * other model). The longest matching prefix wins.
 */
export const llmPriceTableSchema = z.record(z.string().min(1), llmPriceSchema);
export type LlmPriceTable = z.infer<typeof llmPriceTableSchema>;

/** Default price table: one cost unit per 1,000 tokens, input or output, for every model. */
export const DEFAULT_LLM_PRICES: LlmPriceTable = { '*': { input: 1, output: 1 } };

/** Settings of the built-in activities (the worker fills them from its environment). */
export interface ActivitySettings {
  http: {
    /** Per-call timeout when a step gives none. */
    timeoutMs: number;
    /** Largest response body read; past it the call fails non-retryably. */
    maxResponseBytes: number;
    /** Upper bound on a `Retry-After` honoured as the next retry delay. */
    maxRetryAfterMs: number;
    userAgent: string;
  };
  llm: {
    baseUrl: string;
    /** Name of the secret holding the API key when a step names none. */
    apiKeySecret: string;
    timeoutMs: number;
    prices: LlmPriceTable;
  };
  sql: {
    maxRows: number;
    timeoutMs: number;
    /** Connections per pool (one pool per connection secret, per worker). */
    poolSize: number;
  };
}

export const DEFAULT_ACTIVITY_SETTINGS: ActivitySettings = {
  http: {
    timeoutMs: 30_000,
    maxResponseBytes: 1_048_576,
    maxRetryAfterMs: 600_000,
    userAgent: 'flowgate/0.1',
  },
  llm: {
    baseUrl: 'https://api.openai.com/v1',
    apiKeySecret: 'openai',
    timeoutMs: 120_000,
    prices: DEFAULT_LLM_PRICES,
  },
  sql: { maxRows: 1_000, timeoutMs: 30_000, poolSize: 5 },
};

export type ActivitySettingsOverrides = { [K in keyof ActivitySettings]?: Partial<ActivitySettings[K]> };

/** Settings with every unset field taken from the defaults. */
export function resolveActivitySettings(overrides: ActivitySettingsOverrides = {}): ActivitySettings {
  return {
    http: { ...DEFAULT_ACTIVITY_SETTINGS.http, ...overrides.http },
    llm: { ...DEFAULT_ACTIVITY_SETTINGS.llm, ...overrides.llm },
    sql: { ...DEFAULT_ACTIVITY_SETTINGS.sql, ...overrides.sql },
  };
}
