import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { POLICY_DENIED } from '@flowgate/policy';
import type { WorkerMetrics } from './worker-metrics';

/** The blocking rules a `PolicyDenied` failure carries (details[0].decisions), one entry per rule. */
export function deniedRulesOf(err: ApplicationFailure): { policy: string; rule: string }[] {
  const details = err.details?.[0] as { decisions?: { policy?: unknown; ruleId?: unknown }[] } | undefined;
  const rules = (details?.decisions ?? []).map((d) => ({
    policy: typeof d.policy === 'string' ? d.policy : 'unknown',
    rule: typeof d.ruleId === 'string' ? d.ruleId : 'unknown',
  }));
  return rules.length > 0 ? rules : [{ policy: 'unknown', rule: 'unknown' }];
}

/**
 * Observes every activity attempt (`flowgate_activity_duration_seconds{activity,outcome}`) and
 * counts dispatch denials (`flowgate_policy_denials_total{phase="dispatch"}`). Registered before
 * the policy enforcement interceptor, so a denied attempt is seen with outcome `denied`.
 */
export class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly metrics: WorkerMetrics,
    private readonly activity: string,
  ) {}

  async execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    const started = process.hrtime.bigint();
    let outcome = 'failed';
    try {
      const result = await next(input);
      outcome = 'succeeded';
      return result;
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === POLICY_DENIED) {
        outcome = 'denied';
        for (const r of deniedRulesOf(err))
          this.metrics.policyDenials.inc({ phase: 'dispatch', policy: r.policy, rule: r.rule });
      }
      throw err;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.activityDuration.observe({ activity: this.activity, outcome }, seconds);
    }
  }
}
