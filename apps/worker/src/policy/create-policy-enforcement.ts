import type { Logger } from '@flowgate/config';
import {
  PoliciesRepository,
  PolicyAuditRepository,
  PolicyRunsRepository,
  QuotasRepository,
} from '@flowgate/store';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import type { Pool } from 'pg';
import { PolicyEnforcementInterceptor } from '../interceptors/policy-enforcement.interceptor';
import { LivePolicies, RunContexts } from './live-policies';
import type { PolicyEnforcementConfig } from './policy-enforcement.config';
import { PolicyEnforcer } from './policy-enforcer';

/**
 * The activity interceptor factory for `Worker.create({ interceptors: { activity: [...] } })`,
 * or undefined when enforcement is switched off. One enforcer (and its caches) per worker.
 */
export function createPolicyEnforcement(
  pool: Pool,
  config: PolicyEnforcementConfig,
  identity: string,
  logger: Logger,
): (() => { inbound: ActivityInboundCallsInterceptor }) | undefined {
  if (!config.FLOWGATE_POLICY_ENFORCEMENT) return undefined;
  const enforcer = new PolicyEnforcer({
    policies: new LivePolicies(new PoliciesRepository(pool), config.FLOWGATE_POLICY_CACHE_MS),
    runs: new RunContexts(new PolicyRunsRepository(pool)),
    quotas: new QuotasRepository(pool),
    audit: new PolicyAuditRepository(pool),
    identity,
    logger: logger.child({ component: 'policy' }),
    auditAllow: config.FLOWGATE_POLICY_AUDIT_ALLOW,
  });
  return () => ({ inbound: new PolicyEnforcementInterceptor(enforcer) });
}
