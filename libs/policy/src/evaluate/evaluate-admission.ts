import { parseDuration } from '@flowgate/dsl';
import type { PipelinePlan } from '@flowgate/dsl';
import type { PolicyDecision } from '../decision.types';
import type { PolicyRule, PolicyVersion } from '../document/policy.schema';
import { checkActivity } from '../rules/activity.rule';
import { approvalConcerns, checkApproval } from '../rules/approval.rule';
import { checkEgressTemplate, egressConcerns } from '../rules/egress.rule';
import { violation, type Finding } from '../rules/finding';
import { checkMapStep } from '../rules/map.rule';
import { checkRetryStep, checkTimeoutStep, concernsActivity } from '../rules/retry-timeout.rule';
import { budgetKey, windowStart } from './claims';
import { evaluateCondition } from './condition';
import { decide } from './decide';
import type { AdmissionContext, PolicyClaim, PolicyEvaluation } from './evaluation.types';
import { walkPlan, type StepTarget } from './plan-walk';
import { policyApplies } from './scope';

function assertNever(x: never): never {
  throw new Error(`unhandled rule type: ${JSON.stringify(x)}`);
}

type StepCheck = () => Finding | Promise<Finding>;

/** The check of a step-level rule on one step, or undefined when the rule does not concern it. */
function stepCheck(rule: PolicyRule, t: StepTarget, ctx: AdmissionContext): StepCheck | undefined {
  const step = t.step;
  switch (rule.type) {
    case 'activity':
      return step.kind === 'uses' ? () => checkActivity(rule, step.uses, t.path) : undefined;
    case 'egress':
      return step.kind === 'uses' && egressConcerns(rule, step.uses)
        ? () => checkEgressTemplate(rule, step.uses, step.with, t.path)
        : undefined;
    case 'retry':
      return step.kind === 'uses' && concernsActivity(rule.activities, step.uses)
        ? () => checkRetryStep(rule, step, t.path)
        : undefined;
    case 'timeout':
      return step.kind === 'uses' && concernsActivity(rule.activities, step.uses)
        ? () => checkTimeoutStep(rule, step, t.path)
        : undefined;
    case 'map':
      return step.kind === 'map' ? () => checkMapStep(rule, step, t.path, ctx.input) : undefined;
    case 'approval': {
      const why = approvalConcerns(rule, t);
      return why ? () => checkApproval(rule, t, why) : undefined;
    }
    case 'quota':
    case 'budget':
      return undefined;
    default:
      return assertNever(rule);
  }
}

/**
 * The step as `when` conditions see it: id, path, kind, uses, with, tags, retry, timeout, and the
 * pipeline that owns it (a child pipeline's own name for steps of pinned child plans).
 */
function stepView(t: StepTarget) {
  const s = t.step;
  return {
    id: s.id,
    path: t.path,
    kind: s.kind,
    ...(s.kind === 'uses' ? { uses: s.uses, with: s.with } : {}),
    tags: s.tags,
    retry: s.retry,
    timeout: s.timeout,
    pipeline: t.plan.pipeline,
  };
}

/** Plans are immutable: walk each once, with the condition views of its steps. */
const walked = new WeakMap<PipelinePlan, { target: StepTarget; view: ReturnType<typeof stepView> }[]>();
function targetsOf(plan: PipelinePlan) {
  let targets = walked.get(plan);
  if (!targets) {
    targets = walkPlan(plan).map((target) => ({ target, view: stepView(target) }));
    walked.set(plan, targets);
  }
  return targets;
}

/**
 * Admission: evaluates every applicable policy over the whole plan (nested steps, compensations and
 * pinned child plans included). Returns decisions for static rules and the claims (run quotas,
 * tenant budgets) the caller takes in the store to complete them (see `claimDecisions`).
 * Pure: no I/O, no clock (`ctx.now`).
 */
export async function evaluateAdmission(
  policies: readonly PolicyVersion[],
  ctx: AdmissionContext,
): Promise<PolicyEvaluation> {
  const decisions: PolicyDecision[] = [];
  const claims: PolicyClaim[] = [];
  const pipeline = { ...ctx.plan.pipeline, activities: ctx.plan.activities };
  const targets = targetsOf(ctx.plan);
  const base = { pipeline, tenant: ctx.tenant, input: ctx.input };

  for (const policy of policies) {
    if (!policyApplies(policy, { tenant: ctx.tenant, pipeline: ctx.plan.pipeline })) continue;
    const mode = policy.document.spec.mode;
    for (const rule of policy.document.spec.rules) {
      const claimBase = { policy: policy.name, policyVersion: policy.version, ruleId: rule.id, mode };
      if (rule.type === 'quota' || rule.type === 'budget') {
        if (rule.when) {
          const c = await evaluateCondition(rule.when, { ...base, step: null });
          if (!c.ok) {
            decisions.push(...decide(policy, rule, [violation(`condition failed: ${c.error}`)]));
            continue;
          }
          if (!c.value) continue;
        }
        if (rule.type === 'quota') {
          const window = rule.runsPerWindow ? parseDuration(rule.runsPerWindow.window) : undefined;
          claims.push({
            ...claimBase,
            kind: 'runs',
            tenant: ctx.tenant,
            ...(rule.maxConcurrentRuns !== undefined ? { maxConcurrentRuns: rule.maxConcurrentRuns } : {}),
            ...(rule.runsPerWindow && window
              ? { runsPerWindow: { max: rule.runsPerWindow.max, windowMs: window } }
              : {}),
          });
        } else if (rule.perTenant && ctx.plan.activities.some((a) => concernsActivity(rule.activities, a))) {
          const windowMs = parseDuration(rule.perTenant.window) ?? 0;
          claims.push({
            ...claimBase,
            kind: 'budget',
            tenant: ctx.tenant,
            metric: rule.metric,
            scope: 'tenant',
            key: budgetKey('tenant', ctx.tenant, policy.name, rule.id),
            windowStartMs: windowMs > 0 ? windowStart(ctx.now, windowMs) : 0,
            windowMs,
            limit: rule.perTenant.max,
            amount: 0,
            checkOnly: true,
          });
        } else {
          decisions.push(...decide(policy, rule, [], 'enforced before each activity'));
        }
        continue;
      }

      const findings: Finding[] = [];
      for (const { target: t, view } of targets) {
        const check = stepCheck(rule, t, ctx);
        if (!check) continue;
        const finding = await check();
        // Conditions are evaluated lazily: only where the rule would otherwise be violated.
        if (rule.when && finding.violated) {
          const c = await evaluateCondition(rule.when, { ...base, step: view });
          if (!c.ok) {
            findings.push(violation(`condition failed: ${c.error}`, { stepPath: t.path }));
            continue;
          }
          if (!c.value) continue;
        }
        findings.push(finding);
      }
      decisions.push(...decide(policy, rule, findings));
    }
  }
  return { decisions, claims };
}
