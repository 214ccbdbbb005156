import { Injectable, Logger } from '@nestjs/common';
import type { Json, PipelinePlan } from '@flowgate/dsl';
import {
  claimDecisions,
  denials,
  evaluateAdmission,
  isBlocking,
  policyAuditAction,
  warnings,
  type BudgetClaim,
  type ClaimOutcome,
  type PolicyClaim,
  type PolicyDecision,
  type PolicyVersion,
  type RunQuotaClaim,
} from '@flowgate/policy';
import { PolicyAuditRepository, QuotasRepository } from '@flowgate/store';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { PoliciesService } from './policies.service';
import { presentDecision } from './policy.presenter';

export interface AdmissionResult {
  decisions: PolicyDecision[];
  /** Warnings to return with the accepted run (violations of `warn` policies). */
  warnings: ReturnType<typeof presentDecision>[];
}

export interface EvaluationOptions {
  /** Where the decisions come from, for the audit trail. */
  phase: 'admission' | 'evaluate';
  /** Take quota slots (admission) or only look (evaluate). */
  reserve: boolean;
  runId?: string;
}

/**
 * Governance at the gateway: the whole plan is evaluated against the tenant's live policies before
 * the workflow starts. Run quotas are taken atomically in PostgreSQL; every decision is audited.
 */
@Injectable()
export class PolicyAdmissionService {
  private readonly logger = new Logger(PolicyAdmissionService.name);

  constructor(
    private readonly policies: PoliciesService,
    private readonly quotas: QuotasRepository,
    private readonly audit: PolicyAuditRepository,
  ) {}

  /**
   * Admits a run about to start (call with its id before the workflow starts). A denial throws
   * `403 policy_denied` listing every violated rule; warnings come back for the run response.
   */
  async admit(
    principal: Principal,
    plan: PipelinePlan,
    input: unknown,
    runId: string,
  ): Promise<AdmissionResult> {
    const live = await this.policies.live(principal.tenant);
    if (live.length === 0) return { decisions: [], warnings: [] };
    const decisions = await this.evaluate(principal, plan, input, live, {
      phase: 'admission',
      reserve: true,
      runId,
    });
    const denied = denials(decisions);
    if (denied.length > 0) {
      throw new DomainError(
        ErrorCode.PolicyDenied,
        `the run is denied by ${denied.length} policy rule${denied.length === 1 ? '' : 's'}: ${denied
          .map((d) => `${d.policy}/${d.ruleId}`)
          .filter((v, i, a) => a.indexOf(v) === i)
          .join(', ')}`,
        denied.map(presentDecision),
      );
    }
    return { decisions, warnings: warnings(decisions).map(presentDecision) };
  }

  /** Evaluates a plan against a policy set: static decisions plus quota/budget claims, audited. */
  async evaluate(
    principal: Principal,
    plan: PipelinePlan,
    input: unknown,
    policies: readonly PolicyVersion[],
    options: EvaluationOptions,
  ): Promise<PolicyDecision[]> {
    const { decisions: staticDecisions, claims } = await evaluateAdmission(policies, {
      tenant: principal.tenant,
      plan,
      input: (input ?? null) as Json,
      now: Date.now(),
    });
    // A plan already denied statically takes no quota slot.
    const reserve = options.reserve && !staticDecisions.some(isBlocking);
    const outcomes = await this.claim(principal.tenant, claims, reserve ? options.runId : undefined);
    const decisions = [...staticDecisions, ...claimDecisions(claims, outcomes)];
    await this.record(principal, plan, decisions, options, !decisions.some(isBlocking));
    return decisions;
  }

  private async claim(
    tenant: string,
    claims: readonly PolicyClaim[],
    runId: string | undefined,
  ): Promise<ClaimOutcome[]> {
    const outcomes: ClaimOutcome[] = new Array(claims.length);
    const runClaims = claims
      .map((c, i) => ({ c, i }))
      .filter((x): x is { c: RunQuotaClaim; i: number } => x.c.kind === 'runs');
    if (runClaims.length > 0) {
      const res = await this.quotas.admitRun(
        tenant,
        runId,
        runClaims.map(({ c }) => ({
          ...(c.maxConcurrentRuns !== undefined ? { maxConcurrentRuns: c.maxConcurrentRuns } : {}),
          ...(c.runsPerWindow ? { runsPerWindow: c.runsPerWindow } : {}),
          enforce: c.mode === 'enforce',
        })),
        runId !== undefined,
      );
      runClaims.forEach(({ i }, n) => {
        const o = res[n]!;
        outcomes[i] = {
          ok: o.ok,
          used: o.active,
          reserved: o.inWindow,
          ...(o.failed ? { failed: o.failed } : {}),
        };
      });
    }
    const budgetClaims = claims
      .map((c, i) => ({ c, i }))
      .filter((x): x is { c: BudgetClaim; i: number } => x.c.kind === 'budget');
    if (budgetClaims.length > 0) {
      // Admission only looks (the worker reserves atomically before each activity).
      const rows = await this.quotas.budgets(budgetClaims.map(({ c }) => c.key));
      for (const { c, i } of budgetClaims) {
        const row = rows.find((r) => r.key === c.key && r.windowStart.getTime() === c.windowStartMs);
        const used = row?.used ?? 0;
        const reserved = row?.reserved ?? 0;
        outcomes[i] = { ok: used + reserved < c.limit, used, reserved };
      }
    }
    return outcomes;
  }

  private async record(
    principal: Principal,
    plan: PipelinePlan,
    decisions: PolicyDecision[],
    options: EvaluationOptions,
    admitted: boolean,
  ): Promise<void> {
    // A denied run never exists: its decisions are recorded without a run id.
    const runId = options.phase === 'admission' && admitted ? options.runId : undefined;
    try {
      await this.audit.appendMany(
        decisions.map((d) => ({
          tenant: principal.tenant,
          ...(runId ? { runId } : {}),
          actor: principal.name,
          action: policyAuditAction(d),
          subject: `${d.policy}@${d.policyVersion}`,
          details: {
            phase: options.phase,
            policy: d.policy,
            policyVersion: d.policyVersion,
            ruleId: d.ruleId,
            ruleType: d.ruleType,
            reason: d.reason,
            ...(d.stepPath ? { stepPath: d.stepPath } : {}),
            ...(d.activity ? { activity: d.activity } : {}),
            mode: d.mode ?? 'enforce',
            enforced: isBlocking(d),
            pipeline: `${plan.pipeline.name}@${plan.pipeline.version}`,
            ...(options.runId && !runId ? { attemptedRunId: options.runId } : {}),
          },
        })),
      );
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'policy audit write failed');
      if (options.phase === 'admission')
        throw new DomainError(ErrorCode.Unavailable, 'could not record the policy decisions; retry later');
    }
  }
}
