import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Json, PipelinePlan } from '@flowgate/dsl';
import {
  DECIDE_UPDATE,
  DECISION_SIGNAL,
  PENDING_QUERY,
  PROGRESS_QUERY,
  type DecisionPayload,
  type HitlRequest,
  type RunProgress,
} from '../src/index';
import { startHarness, type Harness } from './harness';
import {
  approval,
  inputStep,
  loop,
  map,
  parallel,
  plan,
  set,
  sub,
  switchStep,
  uses,
  wait,
} from './plan.factory';
import { writeHistory } from './replay-files';

/**
 * Records the committed replay histories (test/replay/histories). Run on purpose only:
 *   RECORD_HISTORIES=1 npx vitest run libs/workflows/test/record-histories.int.test.ts
 * Re-record only when a semantic change is deliberately put behind patched(); the old files then
 * stay (renamed) so the patch keeps being proven. RECORD_HISTORIES_ONLY=a,b records only the
 * named scenarios (new scenarios must not re-record the committed ones).
 */
const enabled = process.env.RECORD_HISTORIES === '1';
const only = process.env.RECORD_HISTORIES_ONLY?.split(',').filter(Boolean);

/** Waits until the HITL step `stepId` is open (in `round`). */
async function pending(handle: WorkflowHandle, stepId: string, round = 0): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const open = await handle.query<HitlRequest[]>(PENDING_QUERY);
    if (open.some((r) => r.stepId === stepId && r.round === round)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${stepId} never opened`);
}

const decide = (handle: WorkflowHandle, payload: DecisionPayload) =>
  handle.executeUpdate(DECIDE_UPDATE, { args: [payload] });
const refused = (p: Promise<unknown>) =>
  p.then(
    () => Promise.reject(new Error('accepted')),
    () => undefined,
  );

const undo = (event: string) => ({ compensate: [uses('undo', 'test.record', { event })] });

const scenarios: {
  name: string;
  plan: PipelinePlan;
  input?: Json;
  outcome: 'ok' | 'failed';
  children?: boolean;
  /** Drives a waiting run (HITL decisions). */
  act?: (handle: WorkflowHandle) => Promise<void>;
}[] = [
  {
    name: 'sequential',
    plan: plan([
      uses('fetch', 'core.echo', { id: '${ input.id }' }),
      uses(
        'flaky',
        'test.flaky',
        { failures: 1 },
        {
          retry: {
            maxAttempts: 3,
            initialIntervalMs: 10,
            backoffCoefficient: 1,
            maxIntervalMs: 10,
            nonRetryable: [],
          },
        },
      ),
      set('skipped', 1, { when: 'false' }),
      uses('bad', 'test.fail', { nonRetryable: true }, { onError: 'continue' }),
      set('done', "${ steps.fetch.output.id & ':' & steps.bad.status }"),
    ]),
    input: { id: 'T-1' },
    outcome: 'ok',
  },
  {
    name: 'parallel',
    plan: plan([
      uses('a', 'core.echo', { v: 1 }, { needs: [] }),
      uses('b', 'core.echo', { v: 2 }, { needs: [] }),
      parallel(
        'p',
        [
          [uses('x', 'core.echo', { x: 1 })],
          [uses('y', 'core.echo', { y: 2 })],
          [
            uses(
              'slow',
              'test.slow',
              { ms: 3000 },
              { timeout: { startToCloseMs: 10_000, heartbeatMs: 1000 } },
            ),
          ],
        ],
        { merge: 'deep', join: { mode: 'atLeast', n: 2 }, needs: ['a', 'b'] },
      ),
    ]),
    outcome: 'ok',
  },
  {
    name: 'map',
    plan: plan([
      map('m', '[1..7]', [uses('e', 'core.echo', { v: '${ item }' }, { output: 'result.v' })], {
        batchSize: 3,
        concurrency: 2,
        aggregate: { mode: 'reduce', reducer: 'acc + output', initial: 0 },
      }),
      map('inline', '["a","b","a"]', [set('v', '${ item }')], { aggregate: { mode: 'vote' } }),
    ]),
    outcome: 'ok',
    children: true,
  },
  {
    // Single-`uses` items without when/output (the direct item path): batched and inline, with
    // a failed item contained by onError: continue and a compensation registered per item.
    name: 'map-direct',
    plan: plan([
      map('m', '[1..7]', [uses('e', 'core.echo', { v: '${ item }' }, undo('m'))], {
        batchSize: 3,
        concurrency: 3,
      }),
      map(
        'inline',
        '[1, 2, 3]',
        [uses('f', 'test.fail', { message: 'item ${ item }', nonRetryable: true }, { onError: 'continue' })],
        { concurrency: 2 },
      ),
    ]),
    outcome: 'ok',
    children: true,
  },
  {
    name: 'switch',
    plan: plan([
      switchStep(
        'route',
        [{ when: "input.p = 'high'", steps: [uses('page', 'core.echo', { p: 1 })] }],
        [uses('queue', 'core.echo', { q: 1 })],
      ),
    ]),
    input: { p: 'high' },
    outcome: 'ok',
  },
  {
    name: 'loop',
    plan: plan([
      loop(
        'l',
        [
          set('n', '${ $exists(steps.n) ? steps.n.output + 1 : 1 }'),
          uses('e', 'core.echo', { n: '${ steps.n.output }' }),
        ],
        {
          until: 'steps.n.output >= 3',
        },
      ),
    ]),
    outcome: 'ok',
  },
  {
    name: 'wait',
    plan: plan([
      wait('pause', { durationMs: 200 }),
      set('at', '${ $now() }'),
      wait('until', { until: '$fromMillis($toMillis(steps.at.output) + 200)' }),
    ]),
    outcome: 'ok',
  },
  {
    name: 'sub-pipeline',
    plan: plan([
      sub('kid', plan([uses('e', 'core.echo', { hi: '${ input.who }' })], { name: 'child', version: 2 }), {
        who: 'x',
      }),
    ]),
    outcome: 'ok',
    children: true,
  },
  {
    name: 'failure-with-compensation',
    plan: plan([
      uses('flight', 'test.record', { event: 'flight' }, undo('undo-flight')),
      uses('hotel', 'test.record', { event: 'hotel' }, undo('undo-hotel')),
      uses(
        'charge',
        'test.fail',
        { nonRetryable: true, type: 'PaymentDeclined' },
        { onError: 'compensate', ...undo('refund') },
      ),
    ]),
    outcome: 'failed',
  },
  {
    name: 'approval',
    plan: plan([
      approval('review', {
        approvers: { roles: ['lead'], users: ['ana', 'bo', 'cy'] },
        quorum: 2,
        rejectOnFirst: false,
        reminder: { everyMs: 150 },
        message: "${ 'ticket ' & input.t }",
      }),
      switchStep(
        'route',
        [{ when: 'steps.review.output.approved', steps: [set('go', 1)] }],
        [set('stop', 0)],
      ),
    ]),
    input: { t: 'T-1' },
    outcome: 'ok',
    act: async (handle) => {
      await pending(handle, 'review');
      await refused(
        decide(handle, { stepId: 'review', decision: 'approve', actor: { id: 'eve', roles: [] } }),
      );
      await decide(handle, {
        stepId: 'review',
        decision: 'approve',
        comment: 'ok',
        actor: { id: 'ana', roles: [] },
      });
      await new Promise((r) => setTimeout(r, 400));
      await handle.signal(DECISION_SIGNAL, {
        stepId: 'review',
        decision: 'approve',
        actor: { id: 'ana', roles: [] },
      });
      await handle.signal(DECISION_SIGNAL, { stepId: 'review', decision: 'approve', actor: 'mallory' });
      await decide(handle, { stepId: 'review', decision: 'approve', actor: { id: 'lee', roles: ['lead'] } });
    },
  },
  {
    name: 'approval-escalation',
    plan: plan([
      approval('review', {
        approvers: { roles: [], users: ['ana'] },
        timeoutMs: 300,
        onTimeout: 'escalate',
        escalation: {
          approvers: { roles: ['manager'], users: [] },
          quorum: 1,
          timeoutMs: 20_000,
          onTimeout: 'reject',
        },
      }),
      approval('late', { approvers: { roles: [], users: ['ana'] }, timeoutMs: 200, onTimeout: 'approve' }),
    ]),
    outcome: 'ok',
    act: async (handle) => {
      await pending(handle, 'review', 1);
      await handle.signal(DECISION_SIGNAL, {
        stepId: 'review',
        decision: 'reject',
        comment: 'no',
        actor: { id: 'max', roles: ['manager'] },
      });
    },
  },
  {
    name: 'input',
    plan: plan([
      inputStep(
        'address',
        { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
        { from: { roles: ['sales'], users: [] } },
      ),
      set('city', '${ steps.address.output.city }'),
    ]),
    outcome: 'ok',
    act: async (handle) => {
      await pending(handle, 'address');
      await refused(
        decide(handle, { stepId: 'address', data: { town: 'x' }, actor: { id: 's', roles: ['sales'] } }),
      );
      await decide(handle, {
        stepId: 'address',
        data: { city: 'Oslo' },
        actor: { id: 's', roles: ['sales'] },
      });
    },
  },
];

describe.skipIf(!enabled)('record replay histories', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  async function save(name: string, handle: WorkflowHandle, type: string): Promise<void> {
    writeHistory(name, handle.workflowId, type, await handle.fetchHistory());
  }

  for (const s of scenarios.filter((sc) => !only || only.includes(sc.name))) {
    it(s.name, async () => {
      const handle = await h.start(s.plan, s.input ?? {});
      await s.act?.(handle);
      const settled = await handle.result().then(
        () => 'ok',
        () => 'failed',
      );
      expect(settled).toBe(s.outcome);
      await save(s.name, handle, 'runPipeline');
      if (s.children) {
        const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
        const children = progress.steps.flatMap((st) => st.children ?? []);
        for (const [i, id] of children.entries()) {
          const child = h.env.client.workflow.getHandle(id);
          const desc = await child.describe();
          await save(`${s.name}.child-${i}`, child, desc.type);
        }
      }
    });
  }
});
