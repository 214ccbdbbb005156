import type { ApproverSetPlan, Json } from '@flowgate/dsl';
import { DECISION_ERRORS, type DecisionErrorType } from '../wire/names';
import {
  OPEN_HITL_STATUSES,
  type ApprovalOutput,
  type DecisionActor,
  type HitlRequest,
  type Vote,
} from '../wire/hitl.types';

/**
 * Pure human-in-the-loop decisions: who may decide, quorum, impossibility, first reject,
 * timeouts and escalation. No Temporal here; unit-tested directly.
 */

export interface ApprovalRules {
  approvers: ApproverSetPlan;
  quorum: number;
  rejectOnFirst: boolean;
}

export type ApprovalVerdict =
  | { status: 'pending' }
  | { status: 'approved'; decidedBy: string[] }
  | { status: 'rejected'; decidedBy: string[]; reason: 'first-reject' | 'impossible' };

export type DecisionCheck =
  | { ok: true; duplicate: boolean }
  | { ok: false; type: DecisionErrorType; message: string; errors?: SchemaIssue[] };

export interface SchemaIssue {
  /** JSON path of the offending value, e.g. `data.address.city` (`data` is the root). */
  path: string;
  message: string;
  keyword?: string;
}

/** Normalises a payload's actor: `{ id, roles }`, or a bare id (no roles). Undefined if malformed. */
export function normalizeActor(actor: unknown): DecisionActor | undefined {
  if (typeof actor === 'string') return actor.length > 0 ? { id: actor, roles: [] } : undefined;
  if (actor === null || typeof actor !== 'object') return undefined;
  const { id, roles } = actor as { id?: unknown; roles?: unknown };
  if (typeof id !== 'string' || id.length === 0) return undefined;
  const list = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  return { id, roles: list };
}

/** An empty set (no roles, no users) means anyone who may act on the run (input steps' default). */
export function isApprover(set: ApproverSetPlan, actor: DecisionActor): boolean {
  if (set.roles.length === 0 && set.users.length === 0) return true;
  if (set.users.includes(actor.id)) return true;
  return actor.roles.some((r) => set.roles.includes(r));
}

export function isOpen(request: Pick<HitlRequest, 'status'>): boolean {
  return OPEN_HITL_STATUSES.includes(request.status);
}

export function roundVotes(votes: readonly Vote[], round: number): Vote[] {
  return votes.filter((v) => v.round === round);
}

export function tally(votes: readonly Vote[], round: number): { approvals: number; rejections: number } {
  let approvals = 0;
  let rejections = 0;
  for (const v of roundVotes(votes, round)) {
    if (v.decision === 'approve') approvals++;
    else rejections++;
  }
  return { approvals, rejections };
}

/**
 * The number of people who could still vote, when the approver population is known: only when
 * the set lists `users` and no `roles` (a role's members are not known to the workflow).
 */
export function remainingVoters(
  rules: ApprovalRules,
  votes: readonly Vote[],
  round: number,
): number | undefined {
  if (rules.approvers.roles.length > 0) return undefined;
  const voted = new Set(roundVotes(votes, round).map((v) => v.actor));
  return rules.approvers.users.filter((u) => !voted.has(u)).length;
}

/**
 * The state of a round after its votes: approved once `quorum` approve; rejected on the first
 * rejection (`rejectOnFirst`) or once the quorum can no longer be reached by the remaining
 * listed users; otherwise pending.
 */
export function approvalVerdict(
  rules: ApprovalRules,
  votes: readonly Vote[],
  round: number,
): ApprovalVerdict {
  const mine = roundVotes(votes, round);
  const approvers = mine.filter((v) => v.decision === 'approve').map((v) => v.actor);
  const rejecters = mine.filter((v) => v.decision === 'reject').map((v) => v.actor);
  if (approvers.length >= rules.quorum)
    return { status: 'approved', decidedBy: approvers.slice(0, rules.quorum) };
  if (rules.rejectOnFirst && rejecters.length > 0) {
    return { status: 'rejected', decidedBy: [rejecters[0] as string], reason: 'first-reject' };
  }
  const remaining = remainingVoters(rules, votes, round);
  if (remaining !== undefined && approvers.length + remaining < rules.quorum) {
    return { status: 'rejected', decidedBy: rejecters, reason: 'impossible' };
  }
  return { status: 'pending' };
}

export type TimeoutAction = 'approve' | 'reject' | 'fail' | 'escalate';

/** What a round's deadline does: round 0 follows `onTimeout`; the escalation round its own. */
export function timeoutAction(
  plan: {
    onTimeout: TimeoutAction;
    escalation?: { onTimeout: 'approve' | 'reject' | 'fail' };
  },
  round: number,
): TimeoutAction {
  if (round === 0) {
    // `escalate` without an escalation set cannot come from the compiler; reject to be safe.
    return plan.onTimeout === 'escalate' && !plan.escalation ? 'reject' : plan.onTimeout;
  }
  return plan.escalation?.onTimeout ?? 'reject';
}

/**
 * Finds the request a payload's `stepId` names: an exact runtime path first, else the step id —
 * the one open request with that id, or (none open) the latest closed one.
 */
export function findRequest(
  requests: readonly HitlRequest[],
  stepId: string,
): { request: HitlRequest } | { error: DecisionErrorType; message: string } {
  const byPath = requests.find((r) => r.stepPath === stepId);
  if (byPath) return { request: byPath };
  const byId = requests.filter((r) => r.stepId === stepId);
  const open = byId.filter(isOpen);
  if (open.length === 1) return { request: open[0] as HitlRequest };
  if (open.length > 1) {
    return {
      error: DECISION_ERRORS.ambiguous,
      message: `step '${stepId}' is waiting at several paths (${open.map((r) => r.stepPath).join(', ')}); give the path`,
    };
  }
  const last = byId[byId.length - 1];
  if (last) return { request: last };
  return {
    error: DECISION_ERRORS.unknownStep,
    message: `no approval or input step '${stepId}' is waiting in this run`,
  };
}

/**
 * Whether `actor` may give this decision to `request` now. `validateData` checks input data
 * against the step's schema (returns the issues). Refusals change nothing.
 */
export function checkDecision(
  request: HitlRequest,
  actor: DecisionActor,
  payload: { decision?: unknown; data?: unknown },
  validateData?: (data: Json) => SchemaIssue[],
): DecisionCheck {
  if (!isApprover(request.approvers, actor)) {
    return {
      ok: false,
      type: DECISION_ERRORS.notApprover,
      message: `'${actor.id}' may not decide step '${request.stepPath}' (${describeApprovers(request.approvers)})`,
    };
  }
  if (!isOpen(request)) {
    return {
      ok: false,
      type: DECISION_ERRORS.closed,
      message: `step '${request.stepPath}' is already ${request.status.replace('_', ' ')}`,
    };
  }
  if (request.kind === 'approval') {
    if (payload.decision !== 'approve' && payload.decision !== 'reject') {
      return {
        ok: false,
        type: DECISION_ERRORS.invalidData,
        message: `step '${request.stepPath}' is an approval: give decision 'approve' or 'reject'`,
      };
    }
    const duplicate = request.votes.some((v) => v.round === request.round && v.actor === actor.id);
    return { ok: true, duplicate };
  }
  if (payload.data === undefined) {
    return {
      ok: false,
      type: DECISION_ERRORS.invalidData,
      message: `step '${request.stepPath}' is an input step: give data`,
    };
  }
  const errors = validateData ? validateData(payload.data as Json) : [];
  if (errors.length > 0) {
    return {
      ok: false,
      type: DECISION_ERRORS.invalidData,
      message: `data for step '${request.stepPath}' does not match its schema: ${errors
        .map((e) => `${e.path}: ${e.message}`)
        .join('; ')}`,
      errors,
    };
  }
  return { ok: true, duplicate: false };
}

export function describeApprovers(set: ApproverSetPlan): string {
  const parts: string[] = [];
  if (set.roles.length) parts.push(`roles: ${set.roles.join(', ')}`);
  if (set.users.length) parts.push(`users: ${set.users.join(', ')}`);
  return parts.length ? parts.join('; ') : 'anyone';
}

/** The approval step's output, from its votes and how it ended. */
export function approvalOutput(
  votes: readonly Vote[],
  ending:
    | { by: 'votes'; verdict: Exclude<ApprovalVerdict, { status: 'pending' }> }
    | { by: 'timeout'; approved: boolean },
  escalated: boolean,
): ApprovalOutput {
  const list = votes.map((v) => ({
    actor: v.actor,
    decision: v.decision,
    comment: v.comment ?? null,
    at: v.at,
  }));
  if (ending.by === 'timeout') {
    return { decision: 'timed_out', approved: ending.approved, votes: list, decidedBy: [], escalated };
  }
  const approved = ending.verdict.status === 'approved';
  return {
    decision: approved ? 'approved' : 'rejected',
    approved,
    votes: list,
    decidedBy: ending.verdict.decidedBy,
    escalated,
  };
}
