import type { ApprovalRecord } from '@flowgate/store';
import type { DecideResult } from '@flowgate/workflows';
import type { ApprovalModel, DecideResultModel } from './models/approval.model';

/** An approval as REST shows it. */
export function presentApproval(a: ApprovalRecord) {
  return {
    runId: a.runId,
    stepId: a.stepId,
    path: a.stepPath,
    kind: a.kind,
    status: a.status,
    pipeline: a.pipeline,
    approvers: a.approvers,
    quorum: a.quorum,
    rejectOnFirst: a.rejectOnFirst,
    round: a.round,
    escalated: a.escalated,
    votes: a.votes,
    message: a.message ?? null,
    ...(a.kind === 'input' ? { schema: a.schema ?? null, submission: a.submission ?? null } : {}),
    output: a.output ?? null,
    requestedAt: a.createdAt.toISOString(),
    deadline: a.deadline?.toISOString() ?? null,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    ...(a.workflowId !== a.runId ? { workflowId: a.workflowId } : {}),
  };
}

/** The answer to an accepted decision. */
export function presentDecision(r: DecideResult) {
  return {
    accepted: true,
    runId: r.runId,
    stepId: r.stepId,
    path: r.stepPath,
    kind: r.kind,
    status: r.status,
    duplicate: r.duplicate,
    quorum: r.quorum,
    approvals: r.approvals,
    rejections: r.rejections,
    votes: r.votes,
    output: r.output ?? null,
  };
}

const votes = (list: ApprovalRecord['votes']) =>
  list.map((v) => ({
    actor: v.actor,
    decision: v.decision,
    comment: v.comment ?? null,
    at: new Date(v.at),
    round: v.round,
  }));

export function toApprovalModel(a: ApprovalRecord): ApprovalModel {
  return {
    runId: a.runId,
    path: a.stepPath,
    stepId: a.stepId,
    kind: a.kind,
    status: a.status,
    pipeline: a.pipeline ? `${a.pipeline.name}@${a.pipeline.version}` : null,
    approvers: a.approvers,
    quorum: a.quorum,
    escalated: a.escalated,
    votes: votes(a.votes),
    message: a.message ?? null,
    schema: a.schema ?? null,
    output: a.output ?? null,
    requestedAt: a.createdAt,
    deadline: a.deadline,
    decidedAt: a.decidedAt,
  };
}

export function toDecideResultModel(r: DecideResult): DecideResultModel {
  return {
    runId: r.runId,
    stepId: r.stepId,
    path: r.stepPath,
    kind: r.kind,
    status: r.status,
    duplicate: r.duplicate,
    quorum: r.quorum,
    approvals: r.approvals,
    rejections: r.rejections,
    votes: votes(r.votes),
    output: r.output ?? null,
  };
}
