import { describe, expect, it } from 'vitest';
import {
  findResetPoint,
  mergeProgressSteps,
  projectHistory,
  type HistoryEventLike,
  type HistoryPayload,
} from '@flowgate/store';

const json = (value: unknown): { payloads: HistoryPayload[] } => ({
  payloads: [
    {
      metadata: { encoding: new TextEncoder().encode('json/plain') },
      data: new TextEncoder().encode(JSON.stringify(value)),
    },
  ],
});
const summary = (text: string): HistoryPayload => json(text).payloads[0]!;
const at = (s: number) => ({ seconds: { toNumber: () => 1_800_000_000 + s }, nanos: 0 });
const plan = { digest: 'abc', pipeline: { name: 'hello', version: 2, tags: ['t'] } };

/** A history like the one Temporal records for `greet` (1 attempt) then `shout` (3 attempts, fails). */
function failingHistory(): HistoryEventLike[] {
  return [
    {
      eventId: 1,
      eventTime: at(0),
      workflowExecutionStartedEventAttributes: {
        input: json({
          plan,
          input: { name: 'Ada' },
          run: { id: 'r1', tenant: 'acme', submittedBy: 'ci', submittedAt: 'x' },
        }),
      },
    },
    { eventId: 4, eventTime: at(1) },
    {
      eventId: 5,
      eventTime: at(1),
      userMetadata: { summary: summary('greet') },
      activityTaskScheduledEventAttributes: {
        activityId: 'greet',
        activityType: { name: 'core.echo' },
        workflowTaskCompletedEventId: 4,
      },
    },
    {
      eventId: 6,
      eventTime: at(2),
      activityTaskStartedEventAttributes: { scheduledEventId: 5, identity: 'w1', attempt: 1 },
    },
    {
      eventId: 7,
      eventTime: at(3),
      activityTaskCompletedEventAttributes: { scheduledEventId: 5, result: json({ message: 'Hello' }) },
    },
    { eventId: 10, eventTime: at(4) },
    {
      eventId: 11,
      eventTime: at(4),
      userMetadata: { summary: summary('shout') },
      activityTaskScheduledEventAttributes: {
        activityId: 'shout',
        activityType: { name: 'text.transform' },
        workflowTaskCompletedEventId: '10',
      },
    },
    {
      eventId: 12,
      eventTime: at(9),
      activityTaskStartedEventAttributes: {
        scheduledEventId: 11,
        identity: 'w2',
        attempt: 3,
        lastFailure: { message: 'boom 2', applicationFailureInfo: { type: 'Boom' } },
      },
    },
    {
      eventId: 13,
      eventTime: at(10),
      activityTaskFailedEventAttributes: {
        scheduledEventId: 11,
        failure: {
          message: 'activity failed',
          cause: { message: 'boom 3', applicationFailureInfo: { type: 'Boom' } },
        },
      },
    },
    {
      eventId: 17,
      eventTime: at(11),
      workflowExecutionFailedEventAttributes: {
        failure: {
          message: 'Activity task failed',
          activityFailureInfo: {},
          cause: { message: 'boom 3', applicationFailureInfo: { type: 'Boom' } },
        },
      },
    },
  ];
}

describe('projectHistory', () => {
  it('maps a failed run: run row, steps with summaries as ids, every attempt', () => {
    const p = projectHistory('r1', failingHistory());
    expect(p.run).toEqual(
      expect.objectContaining({
        id: 'r1',
        status: 'failed',
        error: { type: 'Boom', message: 'boom 3' },
        tenant: 'acme',
        pipelineName: 'hello',
        pipelineVersion: 2,
        digest: 'abc',
        tags: ['t'],
        input: { name: 'Ada' },
        submittedBy: 'ci',
      }),
    );
    expect(p.run.finishedAt?.getTime()).toBe((1_800_000_000 + 11) * 1000);
    expect(p.steps.map((s) => [s.path, s.stepId, s.kind, s.status, s.attempts, s.outputPreview])).toEqual([
      ['greet', 'greet', 'uses', 'succeeded', 1, '{"message":"Hello"}'],
      ['shout', 'shout', 'uses', 'failed', 3, null],
    ]);
    expect(p.attempts.map((a) => [a.path, a.attempt, a.status, a.worker, a.error?.message ?? null])).toEqual([
      ['greet', 1, 'succeeded', 'w1', null],
      ['shout', 1, 'failed', null, null],
      ['shout', 2, 'failed', null, 'boom 2'],
      ['shout', 3, 'failed', 'w2', 'boom 3'],
    ]);
  });

  it('maps success, cancellation and termination, and reads the JSON form of histories', () => {
    const base = failingHistory().slice(0, 5);
    const ok = projectHistory('r1', [
      ...base,
      {
        eventId: 9,
        eventTime: '2027-01-15T08:00:00Z',
        workflowExecutionCompletedEventAttributes: { result: json({ output: { a: 1 } }) },
      },
    ]);
    expect(ok.run).toEqual(expect.objectContaining({ status: 'succeeded', output: { a: 1 }, error: null }));
    expect(ok.run.finishedAt?.toISOString()).toBe('2027-01-15T08:00:00.000Z');
    expect(
      projectHistory('r1', [...base, { eventId: 9, workflowExecutionCanceledEventAttributes: {} }]).run
        .status,
    ).toBe('cancelled');
    expect(
      projectHistory('r1', [
        ...base,
        { eventId: 9, workflowExecutionTerminatedEventAttributes: { reason: 'x' } },
      ]).run.error,
    ).toEqual({
      type: 'Terminated',
      message: 'the run was terminated in Temporal',
    });
    const running = projectHistory('r1', base.slice(0, 3));
    expect(running.run.status).toBe('running');
    expect(running.steps[0]).toEqual(
      expect.objectContaining({ path: 'greet', status: 'running', attempts: 0 }),
    );

    // `temporal workflow show --output json`: string ids, base64 payloads.
    const b64 = (v: unknown) => ({
      payloads: [
        {
          metadata: { encoding: Buffer.from('json/plain').toString('base64') },
          data: Buffer.from(JSON.stringify(v)).toString('base64'),
        },
      ],
    });
    const fromJson = projectHistory('r2', [
      {
        eventId: '1',
        eventTime: '2027-01-15T08:00:00Z',
        workflowExecutionStartedEventAttributes: { input: b64({ plan, input: {}, run: { tenant: 't' } }) },
      },
      {
        eventId: '5',
        activityTaskScheduledEventAttributes: { activityId: 'm[2]/draft', workflowTaskCompletedEventId: '4' },
      },
      { eventId: '9', workflowExecutionCompletedEventAttributes: { result: b64({ output: 'done' }) } },
    ]);
    expect(fromJson.run).toEqual(
      expect.objectContaining({ status: 'succeeded', output: 'done', tenant: 't' }),
    );
    expect(fromJson.steps[0]).toEqual(expect.objectContaining({ path: 'm[2]/draft', stepId: 'draft' }));
  });

  it('records sub-pipeline children as steps and skips map batches', () => {
    const p = projectHistory('p1', [
      { eventId: 5, startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'p1/publish' } },
      { eventId: 6, startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'p1/items[0-99]' } },
      {
        eventId: 8,
        childWorkflowExecutionCompletedEventAttributes: {
          initiatedEventId: 5,
          result: json({ output: { url: 'u' } }),
        },
      },
    ]);
    expect(p.steps).toEqual([
      expect.objectContaining({
        path: 'publish',
        kind: 'pipeline',
        status: 'succeeded',
        outputPreview: '{"url":"u"}',
      }),
    ]);
  });

  it('adds the steps only the workflow knows (progress query) without overriding history', () => {
    const p = mergeProgressSteps(projectHistory('r1', failingHistory()), [
      { path: 'greet', id: 'greet', kind: 'uses', status: 'running', attempts: 9 },
      {
        path: 'decide',
        id: 'decide',
        kind: 'switch',
        status: 'succeeded',
        attempts: 1,
        finishedAt: '2027-01-01T00:00:00Z',
      },
    ]);
    expect(p.steps.map((s) => [s.path, s.status])).toEqual([
      ['greet', 'succeeded'],
      ['shout', 'failed'],
      ['decide', 'succeeded'],
    ]);
  });
});

describe('findResetPoint', () => {
  it('is the workflow task that scheduled the last failed activity', () => {
    expect(findResetPoint(failingHistory())).toEqual({ workflowTaskFinishEventId: 10, path: 'shout' });
  });

  it('is undefined when no activity failed', () => {
    expect(findResetPoint(failingHistory().slice(0, 7))).toBeUndefined();
  });
});
