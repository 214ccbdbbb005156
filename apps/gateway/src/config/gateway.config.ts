import { coreEnvShape, parseEnv, port, positiveInt } from '@flowgate/config';
import { z } from 'zod';

const gatewayEnv = z.object({
  ...coreEnvShape,
  PORT: port(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  FLOWGATE_PUBLIC_URL: z.url('must be a URL').optional(),
  FLOWGATE_BODY_LIMIT_BYTES: positiveInt(1_048_576),
  FLOWGATE_MIGRATE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  FLOWGATE_EXIT_WITH_PARENT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export type GatewayConfig = z.infer<typeof gatewayEnv>;

/** Injection token of the parsed GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Parses the gateway's environment once; throws ConfigError listing every bad variable. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return parseEnv(gatewayEnv, env);
}
