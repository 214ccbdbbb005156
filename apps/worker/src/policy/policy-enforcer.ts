import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from '@flowgate/config';
import type { Json } from '@flowgate/dsl';
import {
  chargeFor,
  claimDecisions,
  denials,
  describeDecision,
  evaluateDispatch,
  isBlocking,
  policyAuditAction,
  POLICY_DENIED,
  type BudgetClaim,
  type PolicyDecision,
} from '@flowgate/policy';
import type {
  BudgetRequest,
  PolicyAuditEntry,
  PolicyAuditRepository,
  QuotasRepository,
} from '@flowgate/store';
import { BLOB_GET_ACTIVITY, BLOB_PUT_ACTIVITY } from '@flowgate/workflows';
import { rootRunId, type LivePolicies, type RunContexts } from './live-policies';

/** Activities the interpreter itself calls (large outputs): never subject to policy. */
const INTERNAL_ACTIVITIES = new Set([BLOB_PUT_ACTIVITY, BLOB_GET_ACTIVITY]);

/** Extra time an unsettled reservation is held past its activity's own timeout. */
const RESERVATION_MARGIN_MS = 60_000;
const DEFAULT_ACTIVITY_WINDOW_MS = 10 * 60_000;

/** One activity about to run, as the interceptor sees it. */
export interface DispatchInfo {
  workflowId: string;
  activity: string;
  /** The activity id (= runtime step path). */
  stepPath: string;
  attempt: number;
  args: unknown;
  startToCloseMs?: number;
  scheduleToCloseMs?: number;
  /** Tenant passed by the workflow in an activity header, when it does. */
  tenantHint?: string;
}

export interface PolicyEnforcerDeps {
  policies: LivePolicies;
  runs: RunContexts;
  quotas: Pick<QuotasRepository, 'reserve' | 'settle'>;
  audit: Pick<PolicyAuditRepository, 'appendMany'>;
  identity: string;
  logger: Logger;
  auditAllow: boolean;
  clock?: () => number;
}

/**
 * The policy enforcement point of the worker: before an activity runs, evaluates the tenant's live
 * policies, reserves budgets atomically in PostgreSQL, records every decision, and refuses with a
 * non-retryable `PolicyDenied` failure; after it, settles the actual usage.
 */
export class PolicyEnforcer {
  private readonly clock: () => number;

  constructor(private readonly deps: PolicyEnforcerDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async run<T>(d: DispatchInfo, execute: () => Promise<T>): Promise<T> {
    if (INTERNAL_ACTIVITIES.has(d.activity)) return execute();
    const runId = rootRunId(d.workflowId);
    const run = await this.deps.runs.get(runId);
    const tenant = d.tenantHint ?? run?.tenant;
    if (!tenant) return execute(); // not a Flowgate run (no run record, no tenant header)
    const policies = await this.deps.policies.forTenant(tenant);
    if (policies.length === 0) return execute();

    const now = this.clock();
    const evaluation = await evaluateDispatch(policies, {
      tenant,
      runId,
      ...(run && run.tenant === tenant ? { pipeline: run.pipeline, input: run.input as Json } : {}),
      activity: d.activity,
      stepPath: d.stepPath,
      args: (d.args ?? null) as Json,
      attempt: d.attempt,
      ...(d.startToCloseMs ? { startToCloseMs: d.startToCloseMs } : {}),
      ...(d.scheduleToCloseMs ? { scheduleToCloseMs: d.scheduleToCloseMs } : {}),
      now,
    });
    let decisions = evaluation.decisions;
    const claims = evaluation.claims.filter((c): c is BudgetClaim => c.kind === 'budget');
    let reserved: { claim: BudgetClaim; reservationId: string }[] = [];
    let audited = false;
    if (claims.length > 0 && denials(decisions).length === 0) {
      const window = d.scheduleToCloseMs || d.startToCloseMs || DEFAULT_ACTIVITY_WINDOW_MS;
      const staticDecisions = decisions;
      const result = await this.deps.quotas.reserve(
        claims.map((c) => toRequest(c, runId)),
        new Date(now + window + RESERVATION_MARGIN_MS),
        // Granted: the decisions are audited in the reservation's own transaction.
        (outcomes) =>
          this.auditEntries(tenant, runId, d, [...staticDecisions, ...claimDecisions(claims, outcomes)]),
      );
      decisions = [...decisions, ...claimDecisions(claims, result.outcomes)];
      audited = result.audited;
      reserved = result.outcomes.flatMap((o, i) =>
        o.reservationId ? [{ claim: claims[i]!, reservationId: o.reservationId }] : [],
      );
    }

    this.log(runId, d, decisions);
    if (!audited) await this.record(runId, d, this.auditEntries(tenant, runId, d, decisions));
    const blocking = decisions.filter(isBlocking);
    if (blocking.length > 0) {
      throw ApplicationFailure.create({
        type: POLICY_DENIED,
        message: `denied by policy: ${blocking.map(describeDecision).join('; ')}`,
        nonRetryable: true,
        details: [{ decisions: blocking }],
      });
    }

    let succeeded = false;
    let output: T | undefined;
    try {
      output = await execute();
      succeeded = true;
      return output;
    } finally {
      if (reserved.length > 0) await this.settle(reserved, succeeded, output, d);
    }
  }

  private async settle(
    reserved: { claim: BudgetClaim; reservationId: string }[],
    succeeded: boolean,
    output: unknown,
    d: DispatchInfo,
  ): Promise<void> {
    try {
      await this.deps.quotas.settle(
        reserved.map(({ claim, reservationId }) => ({
          reservationId,
          charge: chargeFor(claim, succeeded, output),
        })),
      );
    } catch (err) {
      // The activity's effects happened: never fail it for this. The reservation expires and is released.
      this.deps.logger.warn(
        { err: (err as Error).message, workflowId: d.workflowId, stepPath: d.stepPath },
        'budget settlement failed',
      );
    }
  }

  private auditEntries(
    tenant: string,
    runId: string,
    d: DispatchInfo,
    decisions: readonly PolicyDecision[],
  ): PolicyAuditEntry[] {
    return decisions
      .filter((x) => this.deps.auditAllow || x.effect !== 'allow')
      .map((x) => ({
        tenant,
        runId,
        actor: this.deps.identity,
        action: policyAuditAction(x),
        subject: `${x.policy}@${x.policyVersion}`,
        details: {
          phase: 'dispatch',
          policy: x.policy,
          policyVersion: x.policyVersion,
          ruleId: x.ruleId,
          ruleType: x.ruleType,
          reason: x.reason,
          stepPath: d.stepPath,
          activity: d.activity,
          mode: x.mode ?? 'enforce',
          enforced: isBlocking(x),
          attempt: d.attempt,
          workflowId: d.workflowId,
          worker: this.deps.identity,
        },
      }));
  }

  private log(runId: string, d: DispatchInfo, decisions: readonly PolicyDecision[]): void {
    for (const x of decisions) {
      if (x.effect !== 'allow')
        this.deps.logger.info({ runId, stepPath: d.stepPath, decision: x }, `policy ${x.effect}`);
    }
  }

  private async record(runId: string, d: DispatchInfo, entries: PolicyAuditEntry[]): Promise<void> {
    try {
      await this.deps.audit.appendMany(entries);
    } catch (err) {
      this.deps.logger.warn(
        { err: (err as Error).message, runId, stepPath: d.stepPath },
        'policy audit write failed',
      );
    }
  }
}

function toRequest(c: BudgetClaim, runId: string): BudgetRequest {
  return {
    key: c.key,
    windowStart: new Date(c.windowStartMs),
    tenant: c.tenant,
    limit: c.limit,
    amount: c.amount,
    enforce: c.mode === 'enforce' && !c.exempt,
    runId,
    ...(c.stepPath ? { stepPath: c.stepPath } : {}),
  };
}
