import type { PolicyDecision } from '../decision.types';
import type { PolicyRule, PolicyVersion } from '../document/policy.schema';
import type { Finding } from '../rules/finding';
import { effectOf } from './claims';

/**
 * Turns a rule's findings into decisions: one per violation (deny/warn by mode), or one `allow`
 * summarising what complied. Allows stay bounded by the number of rules, so audit stays small.
 */
export function decide(
  policy: PolicyVersion,
  rule: PolicyRule,
  findings: readonly Finding[],
  nothing = 'no step concerned',
): PolicyDecision[] {
  const mode = policy.document.spec.mode;
  const base = {
    policy: policy.name,
    policyVersion: policy.version,
    ruleId: rule.id,
    ruleType: rule.type,
    mode,
  };
  const violations = findings.filter((f) => f.violated);
  if (violations.length > 0) {
    return violations.map((f) => ({
      ...base,
      effect: effectOf(mode, true),
      reason: f.reason,
      ...(f.stepPath ? { stepPath: f.stepPath } : {}),
      ...(f.activity ? { activity: f.activity } : {}),
    }));
  }
  if (findings.length === 1) {
    const f = findings[0]!;
    return [
      {
        ...base,
        effect: 'allow',
        reason: f.reason,
        ...(f.stepPath ? { stepPath: f.stepPath } : {}),
        ...(f.activity ? { activity: f.activity } : {}),
      },
    ];
  }
  const reason = findings.length === 0 ? nothing : `${findings.length} steps comply`;
  return [{ ...base, effect: 'allow', reason }];
}
