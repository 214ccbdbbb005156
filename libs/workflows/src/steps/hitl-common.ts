import { workflowInfo } from '@temporalio/workflow';
import type { ApproverSetPlan, Json, JsonObject, PlanStep } from '@flowgate/dsl';
import { isOpen } from '../decisions/approval.decision';
import type { HitlKind, HitlRequest } from '../wire/hitl.types';
import type { Runtime } from '../runtime/runtime.types';

/** Opens the HITL request of an approval/input step and marks the step `waiting`. */
export function openRequest(
  rt: Runtime,
  path: string,
  step: PlanStep,
  o: {
    kind: HitlKind;
    approvers: ApproverSetPlan;
    quorum: number;
    rejectOnFirst: boolean;
    timeoutMs: number | undefined;
    message?: Json;
    schema?: JsonObject;
  },
): HitlRequest {
  const now = Date.now();
  const request: HitlRequest = {
    runId: rt.run.id,
    workflowId: workflowInfo().workflowId,
    stepPath: path,
    stepId: step.id,
    kind: o.kind,
    status: 'pending',
    approvers: { roles: [...o.approvers.roles], users: [...o.approvers.users] },
    quorum: o.quorum,
    rejectOnFirst: o.rejectOnFirst,
    round: 0,
    escalated: false,
    votes: [],
    createdAt: new Date(now).toISOString(),
    ...(o.timeoutMs !== undefined ? { deadline: new Date(now + o.timeoutMs).toISOString() } : {}),
    ...(o.message !== undefined ? { message: o.message } : {}),
    ...(o.schema !== undefined ? { schema: o.schema } : {}),
  };
  rt.progress.update(path, { status: 'waiting' });
  return rt.hitl.open(request);
}

/**
 * Closes a request whose step ends without a decision (cancelled, or failed around it) and puts
 * the step back to `running` for the common wrapper to finish.
 */
export function settleRequest(rt: Runtime, request: HitlRequest): void {
  if (isOpen(request)) {
    request.status = 'cancelled';
    request.decidedAt = new Date().toISOString();
    rt.hitl.changed(request);
  }
  rt.progress.update(request.stepPath, { status: 'running' });
}
