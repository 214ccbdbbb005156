import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ApprovalStepPlan, InputStepPlan, PlanStep } from '@flowgate/dsl';
import {
  DECISION_ERRORS,
  DECISION_SIGNAL,
  ERROR_TYPES,
  PENDING_QUERY,
  type ApprovalOutput,
  type HitlRequest,
  type RunPipelineResult,
} from '../src/index';
import { temporalBinary } from '../../../test/support/temporal-binary';
import { startHitlHarness, type HitlHarness } from './hitl-harness';
import { approval as approvalStep, inputStep, plan, set, switchStep, uses } from './plan.factory';

let h: HitlHarness;
beforeAll(async () => {
  h = await startHitlHarness(inject('temporalAddress'));
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const approval = (id: string, o: Parameters<typeof approvalStep>[1] = {}): ApprovalStepPlan =>
  approvalStep(id, o);

const input = (id: string, o: Parameters<typeof inputStep>[2] = {}): InputStepPlan =>
  inputStep(
    id,
    {
      type: 'object',
      required: ['street', 'city'],
      properties: { street: { type: 'string' }, city: { type: 'string', minLength: 2 } },
      additionalProperties: false,
    },
    o,
  );

const users3 = { roles: [], users: ['ana', 'bo', 'cy'] };
const actor = (id: string, roles: string[] = []) => ({ id, roles });

async function result(handle: WorkflowHandle): Promise<Record<string, unknown>> {
  return ((await handle.result()) as RunPipelineResult).output as Record<string, unknown>;
}

function updateError(err: unknown): ApplicationFailure {
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

async function updateEvents(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}

describe('approval quorum', () => {
  it('approves with 2 of 3 through the update, then later steps read the decision', async () => {
    const handle = await h.start(
      plan([
        approval('review', {
          approvers: users3,
          quorum: 2,
          rejectOnFirst: false,
          message: "${ 'ticket ' & input.t }",
        }),
        switchStep(
          'route',
          [{ when: 'steps.review.output.approved', steps: [set('go', 'shipped')] }],
          [set('stop', 'held')],
        ),
      ]),
      { t: 'T-9' },
    );
    const pending = await h.waitPending(handle, 'review');
    expect(pending).toMatchObject({ kind: 'approval', status: 'pending', quorum: 2, message: 'ticket T-9' });

    const first = await h.decide(handle, {
      stepId: 'review',
      decision: 'approve',
      comment: 'ok',
      actor: actor('ana'),
    });
    expect(first).toMatchObject({ status: 'pending', approvals: 1, duplicate: false });
    // The run reports `waiting` with who it waits for.
    const waiting = h.runs.filter((r) => r.runId === handle.workflowId && r.status === 'waiting');
    expect(waiting.at(-1)?.waitingFor).toEqual([
      expect.objectContaining({
        stepPath: 'review',
        kind: 'approval',
        users: ['ana', 'bo', 'cy'],
        quorum: 2,
      }),
    ]);

    const second = await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('cy') });
    expect(second).toMatchObject({ status: 'approved', approvals: 2 });

    const out = await result(handle);
    const review = out.review as ApprovalOutput;
    expect(review).toMatchObject({
      decision: 'approved',
      approved: true,
      decidedBy: ['ana', 'cy'],
      escalated: false,
    });
    expect(review.votes.map((v) => [v.actor, v.decision, v.comment])).toEqual([
      ['ana', 'approve', 'ok'],
      ['cy', 'approve', null],
    ]);
    expect(out.route).toBe('shipped');
    const last = h.approvals.filter((a) => a.runId === handle.workflowId).at(-1);
    expect(last).toMatchObject({ status: 'approved', tenant: 'acme', stepPath: 'review' });
    const running = h.runs.filter((r) => r.runId === handle.workflowId && r.status === 'running').at(-1);
    expect(running?.waitingFor).toEqual([]);
  });

  it('rejects when approval becomes impossible (users only, rejectOnFirst false)', async () => {
    const handle = await h.start(
      plan([approval('review', { approvers: users3, quorum: 2, rejectOnFirst: false })]),
    );
    await h.waitPending(handle, 'review');
    expect(
      await h.decide(handle, { stepId: 'review', decision: 'reject', actor: actor('ana') }),
    ).toMatchObject({
      status: 'pending',
    });
    expect(
      await h.decide(handle, { stepId: 'review', decision: 'reject', actor: actor('bo') }),
    ).toMatchObject({
      status: 'rejected',
    });
    expect((await result(handle)).review).toMatchObject({
      decision: 'rejected',
      approved: false,
      decidedBy: ['ana', 'bo'],
    });
  });

  it('rejectOnFirst: one rejection by a role member rejects', async () => {
    const handle = await h.start(
      plan([
        approval('review', { approvers: { roles: ['lead'], users: [] }, quorum: 2, rejectOnFirst: true }),
      ]),
    );
    await h.waitPending(handle, 'review');
    await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('x', ['lead']) });
    const r = await h.decide(handle, {
      stepId: 'review',
      decision: 'reject',
      comment: 'no',
      actor: actor('y', ['lead']),
    });
    expect(r.status).toBe('rejected');
    expect((await result(handle)).review).toMatchObject({
      decision: 'rejected',
      approved: false,
      decidedBy: ['y'],
    });
  });
});

describe('refusals and idempotency', () => {
  it('refuses a non-approver (update and signal) and leaves no trace; a repeated vote changes nothing', async () => {
    const handle = await h.start(plan([approval('review', { approvers: users3, quorum: 2 })]));
    await h.waitPending(handle, 'review');
    const before = await updateEvents(handle);

    const refused = await h
      .decide(handle, { stepId: 'review', decision: 'approve', actor: actor('mallory', ['lead']) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(updateError(refused).type).toBe(DECISION_ERRORS.notApprover);
    await handle.signal(DECISION_SIGNAL, { stepId: 'review', decision: 'approve', actor: actor('mallory') });

    const unknown = await h.decide(handle, { stepId: 'nope', decision: 'approve', actor: actor('ana') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(updateError(unknown).type).toBe(DECISION_ERRORS.unknownStep);
    expect(await updateEvents(handle)).toBe(before);

    const once = await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('ana') });
    const twice = await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('ana') });
    const flipped = await h.decide(handle, { stepId: 'review', decision: 'reject', actor: actor('ana') });
    expect(once).toMatchObject({ duplicate: false, approvals: 1 });
    expect(twice).toMatchObject({ duplicate: true, approvals: 1, status: 'pending' });
    expect(flipped).toMatchObject({ duplicate: true, approvals: 1, rejections: 0 });
    const [pending] = await handle.query<HitlRequest[]>(PENDING_QUERY);
    expect(pending?.votes.map((v) => v.actor)).toEqual(['ana']);

    await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('bo') });
    await handle.result();
    const closed = await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('cy') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The run has completed: Temporal refuses the update itself.
    expect(closed).toBeDefined();
  });

  it('answers StepClosed for a decided step while the run goes on', async () => {
    const handle = await h.start(
      plan([approval('review', { approvers: users3, quorum: 1 }), approval('second', { approvers: users3 })]),
    );
    await h.waitPending(handle, 'review');
    await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('ana') });
    await h.waitPending(handle, 'second');
    const err = await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('bo') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(updateError(err).type).toBe(DECISION_ERRORS.closed);
    await h.decide(handle, { stepId: 'second', decision: 'approve', actor: actor('bo') });
    await handle.result();
  });
});

describe('input steps', () => {
  it('refuses invalid data with the schema errors and records nothing; valid data is the output', async () => {
    const handle = await h.start(
      plan([
        input('address', { from: { roles: ['sales'], users: [] } }),
        switchStep(
          'route',
          [{ when: "steps.address.output.city = 'Oslo'", steps: [set('north', true)] }],
          [set('south', false)],
        ),
      ]),
    );
    await h.waitPending(handle, 'address');
    const before = await updateEvents(handle);
    const bad = await h
      .decide(handle, { stepId: 'address', data: { street: 1, extra: true }, actor: actor('sam', ['sales']) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const failure = updateError(bad);
    expect(failure.type).toBe(DECISION_ERRORS.invalidData);
    const details = failure.details?.[0] as { errors: { path: string; message: string }[] };
    expect(details.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'data.city', message: 'is required' }),
        expect.objectContaining({ path: 'data.street', message: 'must be string' }),
        expect.objectContaining({ path: 'data.extra' }),
      ]),
    );
    expect(await updateEvents(handle)).toBe(before);
    const [still] = await handle.query<HitlRequest[]>(PENDING_QUERY);
    expect(still).toMatchObject({ status: 'pending' });
    expect(still?.submission).toBeUndefined();

    const r = await h.decide(handle, {
      stepId: 'address',
      data: { street: 'Karl Johans gate 1', city: 'Oslo' },
      actor: actor('sam', ['sales']),
    });
    expect(r.status).toBe('submitted');
    const out = await result(handle);
    expect(out.address).toEqual({ street: 'Karl Johans gate 1', city: 'Oslo' });
    expect(out.route).toBe(true);
  });

  it('fails with InputTimedOut past its timeout', async () => {
    const handle = await h.start(plan([input('address', { timeoutMs: 300 })]));
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe(ERROR_TYPES.inputTimedOut);
  });
});

describe('timeouts and escalation', () => {
  const timed = (
    onTimeout: ApprovalStepPlan['onTimeout'],
    extra: Parameters<typeof approvalStep>[1] = {},
  ): PlanStep[] => [
    approval('review', { approvers: users3, quorum: 2, timeoutMs: 400, onTimeout, ...extra }),
  ];

  it('onTimeout approve / reject decide with decision timed_out', async () => {
    const [a, r] = await Promise.all([h.start(plan(timed('approve'))), h.start(plan(timed('reject')))]);
    await h.waitPending(a, 'review');
    await h.decide(a, { stepId: 'review', decision: 'approve', actor: actor('ana') });
    expect((await result(a)).review).toMatchObject({ decision: 'timed_out', approved: true, decidedBy: [] });
    expect(((await result(a)).review as ApprovalOutput).votes).toHaveLength(1);
    expect((await result(r)).review).toMatchObject({ decision: 'timed_out', approved: false });
    expect(h.approvals.filter((c) => c.runId === r.workflowId).at(-1)?.status).toBe('timed_out');
  });

  it('onTimeout fail fails the step with ApprovalTimedOut', async () => {
    const handle = await h.start(plan(timed('fail')));
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe(
      ERROR_TYPES.approvalTimedOut,
    );
  });

  it('escalates to another approver set with its own quorum and timeout', async () => {
    const handle = await h.start(
      plan(
        timed('escalate', {
          escalation: {
            approvers: { roles: ['manager'], users: [] },
            quorum: 1,
            timeoutMs: 5_000,
            onTimeout: 'reject',
          },
        }),
      ),
    );
    const escalated = await h.waitPending(handle, 'review', 1);
    expect(escalated).toMatchObject({
      status: 'escalated',
      escalated: true,
      approvers: { roles: ['manager'], users: [] },
    });
    // The first set may no longer decide.
    const err = await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('ana') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(updateError(err).type).toBe(DECISION_ERRORS.notApprover);
    await h.decide(handle, { stepId: 'review', decision: 'approve', actor: actor('max', ['manager']) });
    expect((await result(handle)).review).toMatchObject({
      decision: 'approved',
      approved: true,
      escalated: true,
      decidedBy: ['max'],
    });
  });

  it('the escalation round times out with its own onTimeout', async () => {
    const handle = await h.start(
      plan(
        timed('escalate', {
          escalation: {
            approvers: { roles: ['manager'], users: [] },
            quorum: 1,
            timeoutMs: 300,
            onTimeout: 'approve',
          },
        }),
      ),
    );
    expect((await result(handle)).review).toMatchObject({
      decision: 'timed_out',
      approved: true,
      escalated: true,
    });
  });
});

describe('reminders', () => {
  let server: Server;
  const received: { text: string; blocks: unknown[] }[] = [];
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as { text: string; blocks: unknown[] });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('posts Slack-compatible reminders while pending; a failing webhook never fails the approval', async () => {
    const good = await h.start(
      plan([
        approval('review', {
          approvers: users3,
          message: 'please',
          reminder: { everyMs: 250, webhook: url },
        }),
      ]),
    );
    const bad = await h.start(
      plan([
        approval('review', {
          approvers: users3,
          reminder: { everyMs: 200, webhook: { url: 'http://127.0.0.1:9/nothing', timeoutMs: 200 } },
        }),
      ]),
    );
    await h.waitPending(good, 'review');
    const until = Date.now() + 15_000;
    while (received.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received[0]?.text).toContain(`approval 'review' of run ${good.workflowId}`);
    expect(received[0]?.text).toContain('please');
    expect(received[0]?.blocks[0]).toMatchObject({ type: 'section' });

    await h.waitPending(bad, 'review');
    await new Promise((r) => setTimeout(r, 800));
    await h.decide(bad, { stepId: 'review', decision: 'approve', actor: actor('bo') });
    expect((await result(bad)).review).toMatchObject({ approved: true });
    await h.decide(good, { stepId: 'review', decision: 'approve', actor: actor('ana') });
    expect((await result(good)).review).toMatchObject({ approved: true });
    const count = received.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(received.length).toBe(count);
  });
});

describe('temporal CLI', () => {
  it('a decision sent with `temporal workflow signal` resumes the run', async () => {
    const handle = await h.start(
      plan([
        approval('review', { approvers: { roles: ['lead'], users: [] } }),
        uses('after', 'core.echo', { ok: true }),
      ]),
    );
    await h.waitPending(handle, 'review');
    await promisify(execFile)(temporalBinary(), [
      'workflow',
      'signal',
      '--address',
      h.address,
      '--workflow-id',
      handle.workflowId,
      '--name',
      DECISION_SIGNAL,
      '--input',
      JSON.stringify({
        stepId: 'review',
        decision: 'approve',
        comment: 'via cli',
        actor: { id: 'lee', roles: ['lead'] },
      }),
    ]);
    const out = await result(handle);
    expect(out.review).toMatchObject({ decision: 'approved', decidedBy: ['lee'] });
    expect((out.review as ApprovalOutput).votes[0]?.comment).toBe('via cli');
    expect(out.after).toEqual({ ok: true });
  });
});
