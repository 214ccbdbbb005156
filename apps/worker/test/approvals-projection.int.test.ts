import { createLogger } from '@flowgate/config';
import { ApprovalsRepository, RunTreeRepository } from '@flowgate/store';
import type { ApprovalChange, RunChange } from '@flowgate/workflows';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RunTreeProjector } from '../src/projection/run-tree-projector';

let pool: Pool;
let projector: RunTreeProjector;
let approvals: ApprovalsRepository;

beforeAll(() => {
  pool = new Pool({ connectionString: inject('databaseUrl') });
  approvals = new ApprovalsRepository(pool);
  projector = new RunTreeProjector(new RunTreeRepository(pool), createLogger('test'), approvals);
});
afterAll(async () => {
  await projector?.stop();
  await pool?.end();
});

const runId = `appr-${Date.now()}`;
const run = (status: RunChange['status'], extra: Partial<RunChange> = {}): RunChange => ({
  runId,
  tenant: 'hitl',
  status,
  pipeline: { name: 'p', version: 1, digest: 'd', tags: [] },
  submittedBy: 'tester',
  ...extra,
});
const base: ApprovalChange = {
  runId,
  workflowId: runId,
  tenant: 'hitl',
  stepPath: 'review',
  stepId: 'review',
  kind: 'approval',
  status: 'pending',
  approvers: { roles: ['lead'], users: ['ana', 'bo'] },
  quorum: 2,
  rejectOnFirst: false,
  round: 0,
  escalated: false,
  votes: [],
  createdAt: new Date().toISOString(),
  deadline: new Date(Date.now() + 60_000).toISOString(),
};
const vote = (actor: string, comment?: string) => ({
  actor,
  decision: 'approve' as const,
  at: new Date().toISOString(),
  round: 0,
  ...(comment ? { comment } : {}),
});

async function audit(): Promise<{ action: string; actor: string; details: Record<string, unknown> }[]> {
  const r = await pool.query(
    'SELECT action, actor, details FROM audit_events WHERE run_id = $1 ORDER BY id',
    [runId],
  );
  return r.rows;
}

describe('approvals projection (projector + ApprovalsRepository on PostgreSQL)', () => {
  it('writes the request, who the run waits for, each vote once, and the decision', async () => {
    projector.run(run('running', { input: {} }));
    projector.approval(base);
    const waitingFor = [
      { stepPath: 'review', kind: 'approval' as const, roles: ['lead'], users: ['ana', 'bo'], quorum: 2 },
    ];
    projector.run(run('waiting', { waitingFor }));
    await projector.flush();

    const runRow = (await pool.query('SELECT status, waiting_for FROM runs WHERE id = $1', [runId])).rows[0];
    expect(runRow).toEqual({ status: 'waiting', waiting_for: waitingFor });

    const v1 = vote('ana', 'fine');
    projector.approval({ ...base, votes: [v1] });
    await projector.flush();
    // A repeated report of the same state adds nothing.
    projector.approval({ ...base, votes: [v1] });
    await projector.flush();
    expect((await audit()).map((e) => [e.action, e.actor, e.details.comment])).toEqual([
      ['approval.vote', 'ana', 'fine'],
    ]);

    const viewer = (userId: string, roles: string[] = [], admin = false) => ({ userId, roles, admin });
    expect(
      await approvals.listFor('hitl', viewer('bo'), { statuses: ['pending', 'escalated'] }),
    ).toHaveLength(1);
    expect(
      await approvals.listFor('hitl', viewer('zed', ['lead']), { statuses: ['pending', 'escalated'] }),
    ).toHaveLength(1);
    expect(
      await approvals.listFor('hitl', viewer('zed', ['dev']), { statuses: ['pending', 'escalated'] }),
    ).toHaveLength(0);
    expect(
      await approvals.listFor('hitl', viewer('root', [], true), { statuses: ['pending', 'escalated'] }),
    ).toHaveLength(1);
    expect(
      await approvals.listFor('other', viewer('root', [], true), { statuses: ['pending', 'escalated'] }),
    ).toHaveLength(0);

    const v2 = vote('bo');
    const output = {
      decision: 'approved',
      approved: true,
      votes: [],
      decidedBy: ['ana', 'bo'],
      escalated: false,
    };
    projector.approval({ ...base, votes: [v1, v2], status: 'approved', decidedAt: v2.at, output });
    projector.run(run('running', { waitingFor: [] }));
    projector.run(run('succeeded', { output: {} }));
    await projector.flush();
    // A late, stale report never reopens a decided request.
    projector.approval({ ...base, votes: [v1] });
    await projector.flush();

    const [row] = await approvals.listByRun('hitl', runId);
    expect(row).toMatchObject({ status: 'approved', output, quorum: 2 });
    expect(row?.votes.map((v) => v.actor)).toEqual(['ana', 'bo']);
    expect(
      await approvals.listFor('hitl', viewer('bo'), { statuses: ['pending', 'escalated'] }),
    ).toHaveLength(0);
    const events = await audit();
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['approval.vote', 'ana'],
      ['approval.vote', 'bo'],
      ['approval.decided', 'ana'],
    ]);
    expect(events[2]?.details).toMatchObject({
      stepId: 'review',
      decision: 'approved',
      decidedBy: ['ana', 'bo'],
    });
    const after = (await pool.query('SELECT status, waiting_for FROM runs WHERE id = $1', [runId])).rows[0];
    expect(after).toEqual({ status: 'succeeded', waiting_for: null });
  });
});
