import type { PolicyDecision } from '@flowgate/policy';
import type { PolicyRecord } from '@flowgate/store';
import type { ProblemItem } from '../common/errors/domain.error';

/** Public JSON shape of a policy version. */
export function presentPolicy(r: PolicyRecord, withDocument = false) {
  return {
    name: r.name,
    version: r.version,
    mode: r.mode,
    enabled: r.enabled,
    digest: r.digest,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    ...(withDocument ? { document: r.document, source: r.source, format: r.format } : {}),
  };
}

/** A decision as the API shows it (problem items of a 403, warnings of an accepted run, evaluate results). */
export function presentDecision(d: PolicyDecision): ProblemItem & {
  effect: string;
  policy: string;
  version: number;
  ruleId: string;
  reason: string;
  mode: string;
} {
  const where = d.stepPath ? ` at step '${d.stepPath}'` : '';
  return {
    code: d.effect === 'allow' ? 'policy_allowed' : d.effect === 'warn' ? 'policy_warning' : 'policy_denied',
    message: `policy '${d.policy}' v${d.policyVersion} rule '${d.ruleId}'${where}: ${d.reason}`,
    effect: d.effect,
    policy: d.policy,
    version: d.policyVersion,
    ruleId: d.ruleId,
    ...(d.ruleType ? { ruleType: d.ruleType } : {}),
    reason: d.reason,
    mode: d.mode ?? 'enforce',
    ...(d.stepPath ? { stepPath: d.stepPath, path: d.stepPath } : {}),
    ...(d.activity ? { activity: d.activity } : {}),
  };
}
