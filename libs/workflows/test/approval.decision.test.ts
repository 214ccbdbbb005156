import { describe, expect, it } from 'vitest';
import {
  approvalOutput,
  approvalVerdict,
  checkDecision,
  DECISION_ERRORS,
  findRequest,
  isApprover,
  normalizeActor,
  remainingVoters,
  timeoutAction,
  type HitlRequest,
  type Vote,
} from '../src/index';

const vote = (actor: string, decision: 'approve' | 'reject', round = 0): Vote => ({
  actor,
  decision,
  round,
  at: '2025-01-01T00:00:00.000Z',
});

const users = (...u: string[]) => ({ roles: [], users: u });

function request(o: Partial<HitlRequest> = {}): HitlRequest {
  return {
    runId: 'r',
    workflowId: 'r',
    stepPath: 'review',
    stepId: 'review',
    kind: 'approval',
    status: 'pending',
    approvers: users('ana', 'bo', 'cy'),
    quorum: 2,
    rejectOnFirst: false,
    round: 0,
    escalated: false,
    votes: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...o,
  };
}

describe('approvers', () => {
  it('matches users by id and roles by any shared role; an empty set admits anyone', () => {
    expect(isApprover({ roles: ['lead'], users: ['ana'] }, { id: 'ana', roles: [] })).toBe(true);
    expect(isApprover({ roles: ['lead'], users: [] }, { id: 'x', roles: ['viewer', 'lead'] })).toBe(true);
    expect(isApprover({ roles: ['lead'], users: ['ana'] }, { id: 'bo', roles: ['dev'] })).toBe(false);
    expect(isApprover({ roles: [], users: [] }, { id: 'anyone', roles: [] })).toBe(true);
  });

  it('normalises actors: objects, bare ids, garbage', () => {
    expect(normalizeActor({ id: 'a', roles: ['x', 3] })).toEqual({ id: 'a', roles: ['x'] });
    expect(normalizeActor('a')).toEqual({ id: 'a', roles: [] });
    expect(normalizeActor({ roles: [] })).toBeUndefined();
    expect(normalizeActor('')).toBeUndefined();
    expect(normalizeActor(null)).toBeUndefined();
  });
});

describe('approvalVerdict', () => {
  const rules = { approvers: users('ana', 'bo', 'cy'), quorum: 2, rejectOnFirst: false };

  it('approves at quorum (2 of 3), naming the deciders', () => {
    expect(approvalVerdict(rules, [vote('ana', 'approve')], 0)).toEqual({ status: 'pending' });
    expect(
      approvalVerdict(rules, [vote('ana', 'approve'), vote('bo', 'reject'), vote('cy', 'approve')], 0),
    ).toEqual({
      status: 'approved',
      decidedBy: ['ana', 'cy'],
    });
  });

  it('rejects once the quorum is impossible (users only)', () => {
    expect(approvalVerdict(rules, [vote('ana', 'reject')], 0)).toEqual({ status: 'pending' });
    expect(approvalVerdict(rules, [vote('ana', 'reject'), vote('bo', 'reject')], 0)).toEqual({
      status: 'rejected',
      decidedBy: ['ana', 'bo'],
      reason: 'impossible',
    });
    expect(remainingVoters(rules, [vote('ana', 'reject')], 0)).toBe(2);
  });

  it('never counts impossibility when roles are listed (their members are unknown)', () => {
    const withRoles = { approvers: { roles: ['lead'], users: ['ana'] }, quorum: 2, rejectOnFirst: false };
    expect(remainingVoters(withRoles, [], 0)).toBeUndefined();
    expect(
      approvalVerdict(withRoles, [vote('a', 'reject'), vote('b', 'reject'), vote('c', 'reject')], 0),
    ).toEqual({
      status: 'pending',
    });
  });

  it('rejectOnFirst: the first rejection decides', () => {
    const first = { ...rules, rejectOnFirst: true };
    expect(approvalVerdict(first, [vote('ana', 'approve'), vote('bo', 'reject')], 0)).toEqual({
      status: 'rejected',
      decidedBy: ['bo'],
      reason: 'first-reject',
    });
  });

  it('counts only the current round (escalation)', () => {
    const esc = { approvers: { roles: ['mgr'], users: [] }, quorum: 1, rejectOnFirst: true };
    const votes = [vote('ana', 'reject', 0), vote('max', 'approve', 1)];
    expect(approvalVerdict(esc, votes, 1)).toEqual({ status: 'approved', decidedBy: ['max'] });
  });
});

describe('timeoutAction', () => {
  it('round 0 follows onTimeout; the escalation round its own onTimeout', () => {
    const p = { onTimeout: 'escalate' as const, escalation: { onTimeout: 'approve' as const } };
    expect(timeoutAction(p, 0)).toBe('escalate');
    expect(timeoutAction(p, 1)).toBe('approve');
    expect(timeoutAction({ onTimeout: 'escalate' }, 0)).toBe('reject');
    expect(timeoutAction({ onTimeout: 'fail' }, 0)).toBe('fail');
  });
});

describe('findRequest and checkDecision', () => {
  it('finds by path, by the one open id, refuses ambiguity and unknown ids', () => {
    const a = request({ stepPath: 'm[0]/review' });
    const b = request({ stepPath: 'm[1]/review' });
    expect(findRequest([a, b], 'm[1]/review')).toEqual({ request: b });
    expect(findRequest([a, b], 'review')).toMatchObject({ error: DECISION_ERRORS.ambiguous });
    expect(findRequest([a, { ...b, status: 'approved' }], 'review')).toEqual({ request: a });
    expect(findRequest([a], 'other')).toMatchObject({ error: DECISION_ERRORS.unknownStep });
    const closed = { ...a, status: 'approved' as const };
    expect(findRequest([closed], 'review')).toEqual({ request: closed });
  });

  it('refuses non-approvers, closed steps, missing decisions; flags duplicates', () => {
    const r = request({ votes: [vote('ana', 'approve')] });
    expect(checkDecision(r, { id: 'eve', roles: [] }, { decision: 'approve' })).toMatchObject({
      ok: false,
      type: DECISION_ERRORS.notApprover,
    });
    expect(
      checkDecision({ ...r, status: 'rejected' }, { id: 'bo', roles: [] }, { decision: 'approve' }),
    ).toMatchObject({
      ok: false,
      type: DECISION_ERRORS.closed,
    });
    expect(checkDecision(r, { id: 'bo', roles: [] }, { data: {} })).toMatchObject({
      ok: false,
      type: DECISION_ERRORS.invalidData,
    });
    expect(checkDecision(r, { id: 'ana', roles: [] }, { decision: 'reject' })).toEqual({
      ok: true,
      duplicate: true,
    });
    expect(checkDecision(r, { id: 'bo', roles: [] }, { decision: 'approve' })).toEqual({
      ok: true,
      duplicate: false,
    });
  });

  it('input steps: data required and checked by the given validator', () => {
    const r = request({ kind: 'input', approvers: { roles: [], users: [] }, quorum: 1 });
    const validate = (d: unknown) => (d === 'ok' ? [] : [{ path: 'data', message: 'must be ok' }]);
    expect(checkDecision(r, { id: 'x', roles: [] }, { decision: 'approve' })).toMatchObject({
      type: DECISION_ERRORS.invalidData,
    });
    expect(checkDecision(r, { id: 'x', roles: [] }, { data: 'no' }, validate)).toMatchObject({
      ok: false,
      type: DECISION_ERRORS.invalidData,
      errors: [{ path: 'data', message: 'must be ok' }],
    });
    expect(checkDecision(r, { id: 'x', roles: [] }, { data: 'ok' }, validate)).toEqual({
      ok: true,
      duplicate: false,
    });
  });
});

describe('approvalOutput', () => {
  it('shapes votes and the ending', () => {
    const votes = [{ ...vote('ana', 'approve'), comment: 'fine' }];
    expect(approvalOutput(votes, { by: 'timeout', approved: false }, true)).toEqual({
      decision: 'timed_out',
      approved: false,
      votes: [{ actor: 'ana', decision: 'approve', comment: 'fine', at: '2025-01-01T00:00:00.000Z' }],
      decidedBy: [],
      escalated: true,
    });
    expect(
      approvalOutput(votes, { by: 'votes', verdict: { status: 'approved', decidedBy: ['ana'] } }, false),
    ).toMatchObject({ decision: 'approved', approved: true, decidedBy: ['ana'] });
  });
});
