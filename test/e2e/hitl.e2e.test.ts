import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { alive, startDevStack, type RunningStack } from '../support/dev-stack-process';

/**
 * Human in the loop on the real stack: a run pauses at a 2-of-3 approval, survives a worker
 * crash while it waits (the stack restarts the worker), and completes once two approvers have
 * approved through REST and GraphQL (`resume`, by a group approver). Also: a non-approver is
 * refused, a repeated vote changes nothing, the run shows whom it waits for.
 */

interface RunView {
  id: string;
  status: string;
  output: Record<string, unknown> | null;
  waitingFor: { stepPath: string; kind: string; roles: string[]; users: string[]; quorum: number }[] | null;
}

let stack: RunningStack;
let db: TestDatabase;
let pool: Pool;
const tokens: Record<string, string> = {};

const pipeline = {
  apiVersion: 'flowgate/v1',
  kind: 'Pipeline',
  metadata: { name: 'hitl-e2e', version: 1 },
  spec: {
    steps: [
      { id: 'prepare', set: { ticket: '${ input.ticket }' } },
      {
        id: 'review',
        approval: {
          approvers: { roles: ['support-lead'], users: ['ana'] },
          quorum: 2,
          rejectOnFirst: true,
          timeout: '10m',
          onTimeout: 'reject',
          message: "${ 'Ticket ' & input.ticket & ' needs two approvals' }",
        },
      },
      {
        id: 'route',
        switch: {
          cases: [
            { when: '${ steps.review.output.approved }', steps: [{ id: 'ship', set: { route: 'shipped' } }] },
          ],
          default: [{ id: 'hold', set: { route: 'held' } }],
        },
      },
    ],
    output: "${ { 'route': steps.route.output.route, 'review': steps.review.output } }",
  },
};

function call(token: string) {
  return (path: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${stack.info.restUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('HITL end to end: approval survives a worker crash, 2 of 3 approve through REST', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startDevStack({ DATABASE_URL: db.url });
    pool = new Pool({ connectionString: stack.info.databaseUrl });
    // Keys with approver groups, created through the API (POST /v1/api-keys { groups }).
    const people: [string, 'approver' | 'viewer', string[]][] = [
      ['ana', 'approver', []],
      ['bo', 'approver', ['support-lead']],
      ['cy', 'approver', ['support-lead']],
      ['eve', 'approver', ['sales']],
      ['vic', 'viewer', ['support-lead']],
    ];
    for (const [name, role, groups] of people) {
      const res = await call(stack.info.apiKey)('/api-keys', {
        method: 'POST',
        json: { name, role, groups },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const created = (await res.json()) as { token: string; groups: string[] };
      expect(created.groups).toEqual(groups);
      tokens[name] = created.token;
    }
    const listed = (await (await call(stack.info.apiKey)('/api-keys')).json()) as {
      items: { name: string; groups: string[] }[];
    };
    expect(listed.items.find((k) => k.name === 'bo')?.groups).toEqual(['support-lead']);
  });

  afterAll(async () => {
    await pool?.end();
    if (stack && stack.process.exitCode === null) await stack.stop();
    await db?.drop();
  });

  it('pauses, survives a worker restart, refuses outsiders, and completes after two approvals', async () => {
    const admin = call(stack.info.apiKey);
    const started = await admin('/runs', { method: 'POST', json: { pipeline, input: { ticket: 'T-42' } } });
    expect(started.status).toBe(201);
    const runId = ((await started.json()) as RunView).id;

    // The run waits, shows whom it waits for, and the approvers see the request.
    const waiting = await waitFor(async () => {
      const r = (await (await admin(`/runs/${runId}`)).json()) as RunView;
      return r.status === 'waiting' && r.waitingFor ? r : undefined;
    }, 'run waiting');
    expect(waiting.waitingFor).toEqual([
      expect.objectContaining({
        stepPath: 'review',
        kind: 'approval',
        roles: ['support-lead'],
        users: ['ana'],
        quorum: 2,
      }),
    ]);
    const listed = await waitFor(async () => {
      const res = await call(tokens.bo as string)('/approvals?status=pending');
      const body = (await res.json()) as {
        items: { runId: string; path: string; approvers: unknown; quorum: number }[];
      };
      return body.items.find((i) => i.runId === runId);
    }, 'pending approval listed');
    expect(listed).toMatchObject({
      path: 'review',
      quorum: 2,
      approvers: { roles: ['support-lead'], users: ['ana'] },
    });
    const eveSees = (await (await call(tokens.eve as string)('/approvals?status=pending')).json()) as {
      items: unknown[];
    };
    expect(eveSees.items).toEqual([]);
    const waitingFor = await pool.query('SELECT waiting_for FROM runs WHERE id = $1', [runId]);
    expect(waitingFor.rows[0]?.waiting_for).toEqual([
      expect.objectContaining({ stepPath: 'review', roles: ['support-lead'], users: ['ana'], quorum: 2 }),
    ]);

    // Kill the worker while the run waits; the stack restarts it.
    const pid = stack.info.pids['worker-1'] as number;
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => (alive(pid) ? undefined : true), 'worker gone', 10_000);
    const restarted = await waitFor(
      async () => stack.output.find((l) => l.startsWith('FLOWGATE_RESTARTED ') && l.includes('worker')),
      'worker restarted',
      30_000,
    );
    expect(JSON.parse(restarted.slice('FLOWGATE_RESTARTED '.length))).toMatchObject({
      name: expect.stringContaining('worker'),
    });

    // GraphQL: the same list, and the decide mutation refuses an outsider with the same code.
    const gql = async (who: string, query: string, variables: Record<string, unknown> = {}) =>
      (await (
        await fetch(stack.info.graphqlUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[who] as string}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
    const pendingGql = await gql(
      'ana',
      '{ pendingApprovals { runId path kind status quorum approvers { roles users } } }',
    );
    expect(pendingGql.data?.pendingApprovals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ runId, path: 'review', kind: 'approval', status: 'pending' }),
      ]),
    );
    const refusedGql = await gql('eve', 'mutation($i: DecideInput!) { decide(input: $i) { status } }', {
      i: { runId, stepId: 'review', decision: 'approve' },
    });
    expect(refusedGql.errors?.[0]?.extensions?.code).toBe('forbidden');
    // …and so does `resume` (the same update, the same codes).
    const resumeGql = 'mutation($i: ResumeInput!) { resume(input: $i) { runId stepId status accepted } }';
    const refusedResume = await gql('eve', resumeGql, {
      i: { runId, stepId: 'review', decision: 'approve' },
    });
    expect(refusedResume.errors?.[0]?.extensions?.code).toBe('forbidden');
    const runGql = await gql(
      'bo',
      'query($id: ID!) { run(id: $id) { status waitingFor { stepPath kind roles users quorum } } }',
      {
        id: runId,
      },
    );
    expect(runGql.data?.run).toEqual({
      status: 'waiting',
      waitingFor: [
        { stepPath: 'review', kind: 'approval', roles: ['support-lead'], users: ['ana'], quorum: 2 },
      ],
    });

    const decide = (who: string, json: unknown) =>
      call(tokens[who] as string)(`/runs/${runId}/resume`, { method: 'POST', json });

    // Outsiders are refused with nothing recorded; a viewer may not decide at all.
    const outsider = await decide('eve', { stepId: 'review', decision: 'approve' });
    expect(outsider.status).toBe(403);
    expect((await decide('vic', { stepId: 'review', decision: 'approve' })).status).toBe(403);
    const unknown = await decide('ana', { stepId: 'nope', decision: 'approve' });
    expect(unknown.status).toBe(404);
    const missing = await call(tokens.ana as string)('/runs/no-such-run/resume', {
      method: 'POST',
      json: { stepId: 'review', decision: 'approve' },
    });
    expect(missing.status).toBe(404);

    // First approval (through the restarted worker), then the same vote again: idempotent.
    const first = await decide('ana', { stepId: 'review', decision: 'approve', comment: 'looks right' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      accepted: true,
      status: 'pending',
      approvals: 1,
      duplicate: false,
    });
    const again = await decide('ana', { stepId: 'review', decision: 'approve' });
    expect(await again.json()).toMatchObject({ status: 'pending', approvals: 1, duplicate: true });

    // The second approval through GraphQL `resume`, by cy: an approver through its group only.
    const second = await gql('cy', resumeGql, {
      i: { runId, stepId: 'review', decision: 'approve', comment: 'ok' },
    });
    expect(second.errors).toBeUndefined();
    expect(second.data?.resume).toEqual({ runId, stepId: 'review', status: 'approved', accepted: true });
    const late = await decide('bo', { stepId: 'review', decision: 'reject' });
    expect([409]).toContain(late.status);

    const done = await waitFor(async () => {
      const r = (await (await admin(`/runs/${runId}`)).json()) as RunView;
      return r.status === 'succeeded' ? r : undefined;
    }, 'run succeeded');
    expect(done.output).toMatchObject({
      route: 'shipped',
      review: { decision: 'approved', approved: true, decidedBy: ['ana', 'cy'] },
    });
    expect(done.waitingFor).toBeNull();

    // Audit: every vote and the decision, with actor and comment.
    const audit = await waitFor(async () => {
      const r = await pool.query(
        `SELECT action, actor, details FROM audit_events WHERE run_id = $1 AND action LIKE 'approval.%' ORDER BY id`,
        [runId],
      );
      return r.rows.length >= 3 ? r.rows : undefined;
    }, 'audit events');
    expect(audit.map((e) => [e.action, e.actor, e.details.comment ?? null])).toEqual([
      ['approval.vote', 'ana', 'looks right'],
      ['approval.vote', 'cy', 'ok'],
      ['approval.decided', 'ana', null],
    ]);
    const decided = (await (await call(tokens.bo as string)('/approvals?status=decided')).json()) as {
      items: { runId: string; status: string }[];
    };
    expect(decided.items.find((i) => i.runId === runId)?.status).toBe('approved');
  });
});
