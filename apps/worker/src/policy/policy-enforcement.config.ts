import { parseEnv } from '@flowgate/config';
import { z } from 'zod';

const policyEnv = z.object({
  /** `false` turns the policy enforcement interceptor off (admission at the gateway still runs). */
  FLOWGATE_POLICY_ENFORCEMENT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How long a tenant's live policy set is cached by a worker (ms). */
  FLOWGATE_POLICY_CACHE_MS: z.coerce.number().int().nonnegative().default(3_000),
  /** Record `policy.allow` decisions of each dispatch in the audit trail (denials and warnings always are). */
  FLOWGATE_POLICY_AUDIT_ALLOW: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export type PolicyEnforcementConfig = z.infer<typeof policyEnv>;

/** Parses the worker's policy settings once; throws ConfigError listing every bad variable. */
export function loadPolicyEnforcementConfig(
  env: Record<string, string | undefined> = process.env,
): PolicyEnforcementConfig {
  return parseEnv(policyEnv, env);
}
