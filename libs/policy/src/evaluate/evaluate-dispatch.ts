import { parseDuration, type Json } from '@flowgate/dsl';
import type { PolicyDecision } from '../decision.types';
import type { PolicyRule, PolicyVersion } from '../document/policy.schema';
import { checkActivity } from '../rules/activity.rule';
import { checkEgressArgs, egressConcerns } from '../rules/egress.rule';
import { violation, type Finding } from '../rules/finding';
import { checkRetryAttempt, checkTimeoutDispatch, concernsActivity } from '../rules/retry-timeout.rule';
import { budgetKey, reservationAmount, windowStart } from './claims';
import { evaluateCondition } from './condition';
import { decide } from './decide';
import type { BudgetClaim, DispatchContext, PolicyClaim, PolicyEvaluation } from './evaluation.types';
import { policyApplies } from './scope';

/** Step id of a runtime path: the last segment without indices (`m[3]/draft` → `draft`). */
export function stepIdOf(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\[\d+\]$/, '');
}

function dispatchCheck(rule: PolicyRule, ctx: DispatchContext): Finding | undefined {
  switch (rule.type) {
    case 'activity':
      return checkActivity(rule, ctx.activity, ctx.stepPath);
    case 'egress':
      return egressConcerns(rule, ctx.activity)
        ? checkEgressArgs(rule, ctx.activity, ctx.args, ctx.stepPath)
        : undefined;
    case 'retry':
      return concernsActivity(rule.activities, ctx.activity)
        ? checkRetryAttempt(rule, ctx.activity, ctx.attempt, ctx.stepPath)
        : undefined;
    case 'timeout':
      return concernsActivity(rule.activities, ctx.activity)
        ? checkTimeoutDispatch(rule, ctx.activity, ctx.startToCloseMs, ctx.scheduleToCloseMs, ctx.stepPath)
        : undefined;
    // Structural (approval, map) and run-admission (quota) rules are decided at admission;
    // budgets become claims below.
    case 'map':
    case 'approval':
    case 'quota':
    case 'budget':
      return undefined;
    default: {
      const never: never = rule;
      throw new Error(`unhandled rule type: ${JSON.stringify(never)}`);
    }
  }
}

/** Whether a runtime path lies in a saga compensation (`book/compensate/cancel`). */
export const isCompensationPath = (path: string): boolean => path.includes('/compensate/');

function budgetClaims(
  policy: PolicyVersion,
  rule: Extract<PolicyRule, { type: 'budget' }>,
  ctx: DispatchContext,
): BudgetClaim[] {
  const base = {
    kind: 'budget' as const,
    policy: policy.name,
    policyVersion: policy.version,
    ruleId: rule.id,
    mode: policy.document.spec.mode,
    stepPath: ctx.stepPath,
    activity: ctx.activity,
    tenant: ctx.tenant,
    metric: rule.metric,
    amount: reservationAmount(rule, ctx.args),
    ...(isCompensationPath(ctx.stepPath) ? { exempt: true } : {}),
  };
  const claims: BudgetClaim[] = [];
  if (rule.perRun !== undefined) {
    claims.push({
      ...base,
      scope: 'run',
      key: budgetKey('run', ctx.runId, policy.name, rule.id),
      windowStartMs: 0,
      limit: rule.perRun,
    });
  }
  if (rule.perTenant) {
    const windowMs = parseDuration(rule.perTenant.window) ?? 0;
    claims.push({
      ...base,
      scope: 'tenant',
      key: budgetKey('tenant', ctx.tenant, policy.name, rule.id),
      windowStartMs: windowMs > 0 ? windowStart(ctx.now, windowMs) : 0,
      windowMs,
      limit: rule.perTenant.max,
    });
  }
  return claims;
}

/**
 * Enforcement: evaluates the live policies for one activity about to run. Returns decisions for
 * the rules checkable on the activity itself and the budget claims the caller must reserve
 * atomically before running it. Pure: no I/O, no clock (`ctx.now`).
 */
export async function evaluateDispatch(
  policies: readonly PolicyVersion[],
  ctx: DispatchContext,
): Promise<PolicyEvaluation> {
  const decisions: PolicyDecision[] = [];
  const claims: PolicyClaim[] = [];
  let conditionContext: unknown;
  const contextOf = () =>
    (conditionContext ??= {
      pipeline: ctx.pipeline ?? null,
      step: {
        id: stepIdOf(ctx.stepPath),
        path: ctx.stepPath,
        kind: 'uses',
        uses: ctx.activity,
        with: ctx.args,
        attempt: ctx.attempt,
      },
      tenant: ctx.tenant,
      input: ctx.input ?? (null as Json),
      run: { id: ctx.runId },
    });

  for (const policy of policies) {
    if (!policyApplies(policy, { tenant: ctx.tenant, ...(ctx.pipeline ? { pipeline: ctx.pipeline } : {}) }))
      continue;
    for (const rule of policy.document.spec.rules) {
      const isBudget = rule.type === 'budget' && concernsActivity(rule.activities, ctx.activity);
      const finding = isBudget ? undefined : dispatchCheck(rule, ctx);
      if (!isBudget && !finding) continue;
      // Conditions are evaluated lazily: for budgets, and only where a check would be violated.
      if (rule.when && (isBudget || finding?.violated)) {
        const c = await evaluateCondition(rule.when, contextOf());
        if (!c.ok) {
          decisions.push(
            ...decide(policy, rule, [
              violation(`condition failed: ${c.error}`, { stepPath: ctx.stepPath, activity: ctx.activity }),
            ]),
          );
          continue;
        }
        if (!c.value) continue;
      }
      if (rule.type === 'budget') claims.push(...budgetClaims(policy, rule, ctx));
      else if (finding) decisions.push(...decide(policy, rule, [finding]));
    }
  }
  return { decisions, claims };
}
