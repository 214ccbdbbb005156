/**
 * Policy decisions. Evaluation is pure and never returns a bare boolean: every decision names
 * the rule, the policy version and the reason, so a denial can be shown everywhere it matters.
 */
export type PolicyMode = 'enforce' | 'warn' | 'dry-run';

export type DecisionEffect = 'allow' | 'deny' | 'warn';

export interface PolicyDecision {
  /**
   * `deny` in an `enforce` policy blocks; a violation of a `warn` policy is `warn`; a violation
   * of a `dry-run` policy is `deny` with `mode: 'dry-run'` (recorded, never blocking).
   */
  effect: DecisionEffect;
  policy: string;
  policyVersion: number;
  ruleId: string;
  reason: string;
  /** Where in the plan the decision applies (a step path), when it concerns one step. */
  stepPath?: string;
  /** Mode of the policy that decided (absent on decisions built by older callers: enforce). */
  mode?: PolicyMode;
  /** The rule type (`activity`, `egress`, `budget`, ...). */
  ruleType?: string;
  /** The activity concerned, when there is one. */
  activity?: string;
}

/** Error type of a step or run stopped by policy (non-retryable). */
export const POLICY_DENIED = 'PolicyDenied';

/** Audit action of a decision: `policy.allow`, `policy.deny`, `policy.warn`. */
export const policyAuditAction = (d: PolicyDecision): `policy.${DecisionEffect}` => `policy.${d.effect}`;

/** Whether a decision blocks: a denial of a policy in enforce mode (dry-run denials never block). */
export const isBlocking = (d: PolicyDecision): boolean => d.effect === 'deny' && d.mode !== 'dry-run';

/** The denials among decisions that block (warnings, allows and dry-run denials do not). */
export function denials(decisions: readonly PolicyDecision[]): PolicyDecision[] {
  return decisions.filter(isBlocking);
}

/** The warnings among decisions (returned with an accepted run). */
export function warnings(decisions: readonly PolicyDecision[]): PolicyDecision[] {
  return decisions.filter((d) => d.effect === 'warn');
}

/** One line naming the policy, version and rule: `policy 'egress' v3 rule 'hosts': <reason>`. */
export function describeDecision(d: PolicyDecision): string {
  const where = d.stepPath ? ` at step '${d.stepPath}'` : '';
  return `policy '${d.policy}' v${d.policyVersion} rule '${d.ruleId}'${where}: ${d.reason}`;
}
