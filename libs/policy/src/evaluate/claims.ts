import { formatDuration } from '@flowgate/dsl';
import type { DecisionEffect, PolicyDecision, PolicyMode } from '../decision.types';
import type { BudgetMetric, BudgetRule } from '../document/policy.schema';
import type { BudgetClaim, ClaimOutcome, PolicyClaim, RunQuotaClaim } from './evaluation.types';

/** Effect of a finding under a policy mode. */
export function effectOf(mode: PolicyMode, violated: boolean): DecisionEffect {
  if (!violated) return 'allow';
  return mode === 'warn' ? 'warn' : 'deny';
}

/** Counter key of a budget: shared by every worker process. */
export const budgetKey = (scope: 'run' | 'tenant', subject: string, policy: string, ruleId: string): string =>
  `${scope}:${subject}:${policy}:${ruleId}`;

/** Start of the fixed window containing `now` (windows are aligned to the Unix epoch). */
export const windowStart = (now: number, windowMs: number): number => Math.floor(now / windowMs) * windowMs;

/** Units a budget rule reserves before an activity: the named numeric argument, else `reserve`. */
export function reservationAmount(rule: BudgetRule, args: unknown): number {
  if (rule.reserveFromArg && args && typeof args === 'object' && !Array.isArray(args)) {
    const v = (args as Record<string, unknown>)[rule.reserveFromArg];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return rule.reserve;
}

/**
 * Usage an activity reports in its output: `costUnits` for cost, `usage.totalTokens` for tokens
 * (the `llm.chat` output contract). Undefined when the output does not report it.
 */
export function reportedUsage(metric: BudgetMetric, output: unknown): number | undefined {
  if (!output || typeof output !== 'object') return undefined;
  const o = output as { costUnits?: unknown; usage?: { totalTokens?: unknown } };
  const v = metric === 'costUnits' ? o.costUnits : o.usage?.totalTokens;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * What a finished activity is charged for a claim: the usage it reports, else what was reserved;
 * a failed attempt is charged nothing (its reservation is released).
 */
export function chargeFor(claim: BudgetClaim, succeeded: boolean, output?: unknown): number {
  if (!succeeded) return 0;
  return reportedUsage(claim.metric, output) ?? claim.amount;
}

const num = (n: number): string => String(Math.round(n * 1000) / 1000);

function budgetReason(claim: BudgetClaim, outcome: ClaimOutcome): string {
  const which =
    claim.scope === 'run'
      ? `per-run ${claim.metric} budget`
      : `per-tenant ${claim.metric} budget (window ${formatDuration(claim.windowMs ?? 0)})`;
  const state = `used ${num(outcome.used)} + reserved ${num(outcome.reserved ?? 0)}`;
  if (claim.checkOnly) {
    return outcome.ok
      ? `${which}: ${state} of ${num(claim.limit)}`
      : `${which} exhausted: ${state} of ${num(claim.limit)}`;
  }
  if (outcome.ok) return `${which}: reserved ${num(claim.amount)}; ${state} of ${num(claim.limit)}`;
  return claim.amount > 0
    ? `${which} exhausted: ${state} + ${num(claim.amount)} requested exceeds ${num(claim.limit)}`
    : `${which} exhausted: ${state} reaches ${num(claim.limit)}`;
}

function runsReason(claim: RunQuotaClaim, outcome: ClaimOutcome): string {
  if (outcome.failed === 'concurrent') {
    return `tenant '${claim.tenant}' has ${outcome.used} active runs (maxConcurrentRuns ${claim.maxConcurrentRuns})`;
  }
  if (outcome.failed === 'window') {
    const w = claim.runsPerWindow!;
    return `tenant '${claim.tenant}' started ${outcome.reserved ?? 0} runs in the last ${formatDuration(w.windowMs)} (max ${w.max})`;
  }
  return `run admitted (${outcome.used} active, ${outcome.reserved ?? 0} in window)`;
}

/** The decision a claim's outcome makes (allow, or a violation under the claim's mode). */
export function claimDecision(claim: PolicyClaim, outcome: ClaimOutcome): PolicyDecision {
  const exempt = claim.kind === 'budget' && claim.exempt === true && !outcome.ok;
  const reason =
    claim.kind === 'budget'
      ? `${budgetReason(claim, outcome)}${exempt ? ' (compensation steps are never stopped by budgets)' : ''}`
      : runsReason(claim, outcome);
  return {
    effect: exempt ? 'warn' : effectOf(claim.mode, !outcome.ok),
    policy: claim.policy,
    policyVersion: claim.policyVersion,
    ruleId: claim.ruleId,
    ruleType: claim.kind === 'budget' ? 'budget' : 'quota',
    reason,
    mode: claim.mode,
    ...(claim.stepPath ? { stepPath: claim.stepPath } : {}),
    ...(claim.activity ? { activity: claim.activity } : {}),
  };
}

/** Decisions of all claims, in order; outcomes[i] answers claims[i]. */
export function claimDecisions(
  claims: readonly PolicyClaim[],
  outcomes: readonly ClaimOutcome[],
): PolicyDecision[] {
  return claims.map((c, i) => claimDecision(c, outcomes[i] ?? { ok: false, used: 0 }));
}
