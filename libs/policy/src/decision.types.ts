/**
 * Policy decisions. Evaluation is pure and never returns a bare boolean: every decision names
 * the rule, the policy version and the reason, so a denial can be shown everywhere it matters.
 */
export type PolicyMode = 'enforce' | 'warn' | 'dry-run';

export type DecisionEffect = 'allow' | 'deny' | 'warn';

export interface PolicyDecision {
  effect: DecisionEffect;
  policy: string;
  policyVersion: number;
  ruleId: string;
  reason: string;
  /** Where in the plan the decision applies (a step path), when it concerns one step. */
  stepPath?: string;
}

/** Error type of a step or run stopped by policy (non-retryable). */
export const POLICY_DENIED = 'PolicyDenied';

/** The denials among decisions (warnings and allows are not denials). */
export function denials(decisions: readonly PolicyDecision[]): PolicyDecision[] {
  return decisions.filter((d) => d.effect === 'deny');
}
