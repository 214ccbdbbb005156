import { payloadKeysVariable } from '@flowgate/codec';
import { coreEnvShape, parseEnv, positiveInt, telemetryEnvShape } from '@flowgate/config';
import { llmPriceTableSchema, parseModuleList } from '@flowgate/activities';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

/** `FLOWGATE_LLM_PRICES`: a JSON object `{ "<model or prefix*>": { "input": n, "output": n } }`. */
const priceTable = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    }
  })
  .pipe(llmPriceTableSchema)
  .optional();

const workerEnv = z.object({
  ...coreEnvShape,
  ...telemetryEnvShape,
  /** Port of the worker's `/metrics`, `/healthz`, `/readyz` (unset: 9464, and a taken port only disables them; 0: off). */
  FLOWGATE_WORKER_HTTP_PORT: z.coerce
    .number({ error: 'must be a port number (0 disables)' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .optional(),
  FLOWGATE_WORKER_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** When set, `/metrics` needs `Authorization: Bearer <token>`. */
  FLOWGATE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Temporal SDK metrics: unset (a free loopback port, appended to /metrics), `ip:port` to bind, or `off`. */
  FLOWGATE_TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(
      /^(off|(\d{1,3}\.){3}\d{1,3}:\d{1,5}|\[[0-9a-fA-F:.]+\]:\d{1,5})$/,
      'must be ip:port (e.g. 0.0.0.0:9465) or off',
    )
    .optional(),
  FLOWGATE_WORKER_IDENTITY: z.string().min(1).optional(),
  FLOWGATE_MAX_CONCURRENT_ACTIVITIES: positiveInt(200),
  FLOWGATE_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(100),
  FLOWGATE_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  FLOWGATE_MIGRATE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  FLOWGATE_SECRETS_DIR: z.string().min(1).optional(),
  /** Exit when standard input closes (the dev supervisor's pipe): no orphan when it dies. */
  FLOWGATE_EXIT_WITH_PARENT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** User activity modules: comma-separated paths (relative to the working directory) or package names. */
  FLOWGATE_ACTIVITY_MODULES: z.string().optional().transform(parseModuleList),
  FLOWGATE_CIRCUIT_BREAKER: bool(true),
  FLOWGATE_CIRCUIT_FAILURE_THRESHOLD: positiveInt(5),
  FLOWGATE_CIRCUIT_COOLDOWN_MS: positiveInt(30_000),
  FLOWGATE_HTTP_TIMEOUT_MS: positiveInt(30_000),
  FLOWGATE_HTTP_MAX_RESPONSE_BYTES: positiveInt(1_048_576),
  FLOWGATE_HTTP_MAX_RETRY_AFTER_MS: positiveInt(600_000),
  FLOWGATE_LLM_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://api.openai.com/v1'),
  FLOWGATE_LLM_API_KEY_SECRET: z.string().min(1).default('openai'),
  FLOWGATE_LLM_TIMEOUT_MS: positiveInt(120_000),
  FLOWGATE_LLM_PRICES: priceTable,
  FLOWGATE_SQL_MAX_ROWS: positiveInt(1_000).pipe(z.number().max(10_000, 'must be at most 10000')),
  FLOWGATE_SQL_TIMEOUT_MS: positiveInt(30_000),
  FLOWGATE_SQL_POOL_SIZE: positiveInt(5),
  /** Payload encryption keys (same value as the gateway's): every payload is AES-256-GCM encrypted. */
  FLOWGATE_PAYLOAD_KEYS: payloadKeysVariable,
});

export type WorkerConfig = z.infer<typeof workerEnv>;

/** Parses the worker's environment once; throws ConfigError listing every bad variable. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  return parseEnv(workerEnv, env);
}
