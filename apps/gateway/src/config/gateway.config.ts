import { payloadKeysVariable } from '@flowgate/codec';
import { coreEnvShape, parseEnv, port, positiveInt, telemetryEnvShape } from '@flowgate/config';
import { z } from 'zod';

const gatewayEnv = z.object({
  ...coreEnvShape,
  ...telemetryEnvShape,
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>` (else it is public like /healthz). */
  FLOWGATE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PORT: port(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  FLOWGATE_PUBLIC_URL: z.url('must be a URL').optional(),
  FLOWGATE_BODY_LIMIT_BYTES: positiveInt(1_048_576),
  FLOWGATE_MIGRATE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  FLOWGATE_EXIT_WITH_PARENT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Requests per minute per API key (a key's own `rateLimitPerMinute` overrides it). */
  FLOWGATE_RATE_LIMIT_PER_MINUTE: positiveInt(600),
  /** How long a verified API key is trusted without a database look-up (bounds revocation delay). */
  FLOWGATE_API_KEY_CACHE_TTL_MS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(0)
    .max(300_000)
    .default(30_000),
  /** Tenant whose admins manage API keys of every tenant. */
  FLOWGATE_SYSTEM_TENANT: z.string().min(1).default('default'),
  FLOWGATE_GRAPHQL_MAX_DEPTH: positiveInt(12),
  FLOWGATE_GRAPHQL_MAX_COMPLEXITY: positiveInt(2_000),
  FLOWGATE_SSE_HEARTBEAT_MS: positiveInt(15_000),
  /** Diagnostics: add `x-flowgate-sql-statements` (statements run for the request) to responses. */
  FLOWGATE_SQL_STATEMENT_HEADER: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Payload encryption keys (`<id>:<base64 32 bytes>`, comma-separated, the first encrypts): when
   * set, the Temporal client encrypts every payload (AES-256-GCM) and `/codec/*` is served.
   */
  FLOWGATE_PAYLOAD_KEYS: payloadKeysVariable,
  /** Origins allowed to call `/codec/*` from a browser (comma-separated); default: the origin of TEMPORAL_UI_URL. */
  FLOWGATE_CODEC_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ?.split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    ),
});

export type GatewayConfig = z.infer<typeof gatewayEnv>;

/** Injection token of the parsed GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Parses the gateway's environment once; throws ConfigError listing every bad variable. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return parseEnv(gatewayEnv, env);
}
