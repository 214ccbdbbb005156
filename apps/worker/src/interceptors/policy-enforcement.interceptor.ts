import { Context } from '@temporalio/activity';
import {
  defaultPayloadConverter,
  type ActivityExecuteInput,
  type ActivityInboundCallsInterceptor,
  type Next,
} from '@temporalio/worker';
import type { PolicyEnforcer } from '../policy/policy-enforcer';

/** Activity header in which a workflow may pass the run's tenant (saves a lookup when present). */
export const POLICY_TENANT_HEADER = 'flowgate-tenant';

function tenantHeader(input: ActivityExecuteInput): string | undefined {
  const payload = input.headers?.[POLICY_TENANT_HEADER];
  if (!payload) return undefined;
  try {
    const value = defaultPayloadConverter.fromPayload<unknown>(payload);
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the live policy before each activity and settles budgets after it (see PolicyEnforcer).
 * A denial fails the step with a non-retryable `PolicyDenied` ApplicationFailure.
 */
export class PolicyEnforcementInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly enforcer: PolicyEnforcer) {}

  execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId;
    if (!workflowId) return next(input);
    const tenantHint = tenantHeader(input);
    return this.enforcer.run(
      {
        workflowId,
        activity: info.activityType,
        stepPath: info.activityId,
        attempt: info.attempt,
        args: input.args[0],
        startToCloseMs: info.startToCloseTimeoutMs,
        scheduleToCloseMs: info.scheduleToCloseTimeoutMs,
        ...(tenantHint ? { tenantHint } : {}),
      },
      () => next(input),
    );
  }
}
