import { ApplicationFailure } from '@temporalio/common';
import { log } from '@temporalio/workflow';
import type { Json } from '@flowgate/dsl';
import {
  approvalOutput,
  approvalVerdict,
  checkDecision,
  findRequest,
  isOpen,
  normalizeActor,
  tally,
} from '../decisions/approval.decision';
import { DECISION_ERRORS } from '../wire/names';
import type {
  DecideResult,
  DecisionActor,
  DecisionPayload,
  HitlRequest,
  WaitingFor,
} from '../wire/hitl.types';
import { checkAgainstSchema } from './json-schema';

/** Closed requests kept for "already decided" answers (bounded: loops may open many). */
const KEEP_CLOSED = 100;

type Accepted = { request: HitlRequest; actor: DecisionActor; duplicate: boolean };
type Refused = { type: string; message: string; errors?: unknown[] };

/**
 * The HITL requests of one workflow execution: what approval/input steps wait for, and the
 * decisions that signals and updates deliver. Every state change is reported through
 * `onChange` (projection sink) and the set of open requests through `onWaiting`.
 */
export class HitlRegistry {
  private readonly requests: HitlRequest[] = [];

  constructor(
    private readonly onChange: (request: HitlRequest) => void,
    private readonly onWaiting: (waitingFor: WaitingFor[]) => void = () => undefined,
  ) {}

  /** Open requests (the pending query). */
  pending(): HitlRequest[] {
    return this.requests.filter(isOpen).map((r) => structuredCloneJson(r));
  }

  waitingFor(): WaitingFor[] {
    return this.requests.filter(isOpen).map((r) => ({
      stepPath: r.stepPath,
      kind: r.kind,
      roles: [...r.approvers.roles],
      users: [...r.approvers.users],
      quorum: r.quorum,
      ...(r.deadline ? { deadline: r.deadline } : {}),
    }));
  }

  open(request: HitlRequest): HitlRequest {
    // A path re-opened (a loop iteration pruned and re-run) replaces its earlier request.
    const i = this.requests.findIndex((r) => r.stepPath === request.stepPath);
    if (i >= 0) this.requests.splice(i, 1);
    this.requests.push(request);
    this.changed(request, true);
    return request;
  }

  /** Reports a change of a request the step handler made (timeout, escalation, cancellation). */
  changed(request: HitlRequest, openness = false): void {
    if (!isOpen(request)) {
      openness = true;
      const closed = this.requests.filter((r) => !isOpen(r));
      if (closed.length > KEEP_CLOSED) {
        const drop = closed[0] as HitlRequest;
        this.requests.splice(this.requests.indexOf(drop), 1);
      }
    }
    this.onChange(structuredCloneJson(request));
    if (openness) this.onWaiting(this.waitingFor());
  }

  private check(payload: unknown): Accepted | Refused {
    const p = (payload ?? {}) as Partial<DecisionPayload>;
    if (typeof p.stepId !== 'string' || p.stepId.length === 0) {
      return { type: DECISION_ERRORS.invalidData, message: 'the decision has no stepId' };
    }
    const actor = normalizeActor(p.actor);
    if (!actor) {
      return { type: DECISION_ERRORS.invalidData, message: 'the decision has no actor ({ id, roles })' };
    }
    if (p.comment !== undefined && typeof p.comment !== 'string') {
      return { type: DECISION_ERRORS.invalidData, message: 'comment must be a string' };
    }
    const found = findRequest(this.requests, p.stepId);
    if ('error' in found) return { type: found.error, message: found.message };
    const { request } = found;
    const check = checkDecision(request, actor, p, (data) =>
      request.schema ? checkAgainstSchema(request.schema, data) : [],
    );
    if (!check.ok)
      return { type: check.type, message: check.message, ...(check.errors ? { errors: check.errors } : {}) };
    return { request, actor, duplicate: check.duplicate };
  }

  /** Update validator: throws (refusing the update, nothing recorded) unless the decision would be accepted. */
  validate(payload: unknown): void {
    const result = this.check(payload);
    if ('type' in result) {
      throw ApplicationFailure.create({
        type: result.type,
        message: result.message,
        nonRetryable: true,
        details: result.errors ? [{ errors: result.errors }] : [],
      });
    }
  }

  /** Applies a decision (update handler; re-checks, so it also serves signals). */
  decide(payload: unknown): DecideResult {
    const result = this.check(payload);
    if ('type' in result) {
      throw ApplicationFailure.create({ type: result.type, message: result.message, nonRetryable: true });
    }
    return this.apply(result, payload as DecisionPayload);
  }

  /** Signal handler: a refused decision is logged and ignored (no state change). */
  signal(payload: unknown): void {
    const result = this.check(payload);
    if ('type' in result) {
      log.warn('decision signal ignored', {
        reason: result.type,
        message: result.message,
        stepId: (payload as { stepId?: unknown } | null)?.stepId ?? null,
      });
      return;
    }
    this.apply(result, payload as DecisionPayload);
  }

  private apply({ request, actor, duplicate }: Accepted, payload: DecisionPayload): DecideResult {
    if (!duplicate) {
      const at = new Date().toISOString();
      const comment =
        payload.comment !== undefined && payload.comment !== '' ? { comment: payload.comment } : {};
      if (request.kind === 'approval') {
        const decision = payload.decision as 'approve' | 'reject';
        request.votes.push({ actor: actor.id, decision, at, round: request.round, ...comment });
        const verdict = approvalVerdict(request, request.votes, request.round);
        if (verdict.status !== 'pending') {
          request.status = verdict.status;
          request.decidedAt = at;
          request.output = approvalOutput(request.votes, { by: 'votes', verdict }, request.escalated);
        }
      } else {
        const data = (payload.data ?? null) as Json;
        request.submission = { by: actor.id, at, ...comment };
        request.status = 'submitted';
        request.decidedAt = at;
        request.output = data;
      }
      this.changed(request);
    }
    const counts = tally(request.votes, request.round);
    return {
      runId: request.runId,
      stepPath: request.stepPath,
      stepId: request.stepId,
      kind: request.kind,
      status: request.status,
      duplicate,
      votes: request.votes.map((v) => ({ ...v })),
      quorum: request.quorum,
      approvals: counts.approvals,
      rejections: counts.rejections,
      ...(request.output !== undefined ? { output: request.output } : {}),
    };
  }
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
