import { describe, expect, it } from 'vitest';
import type { RunView } from '../src/client/gateway.types';
import {
  formatDurationMs,
  formatProblemItem,
  table,
  truncateVisible,
  visibleLength,
} from '../src/client/output';
import {
  applyRunEvent,
  progressBar,
  renderRun,
  renderTimeline,
  runProgress,
  topLevelId,
} from '../src/client/run-view';

const plain = { color: false };

const run = (over: Partial<RunView> = {}): RunView => ({
  id: 'hello-20261121-abcdefgh',
  status: 'running',
  pipeline: { name: 'hello', version: 1 },
  createdAt: '2026-11-21T10:00:00.000Z',
  finishedAt: null,
  links: { temporalUi: 'http://ui/namespaces/default/workflows/hello-20261121-abcdefgh' },
  steps: [
    {
      path: 'greet',
      id: 'greet',
      kind: 'uses',
      status: 'succeeded',
      attempts: 1,
      startedAt: '2026-11-21T10:00:00.100Z',
      finishedAt: '2026-11-21T10:00:00.300Z',
      outputPreview: '{"message":"Hello"}',
    },
    {
      path: 'shout',
      id: 'shout',
      kind: 'uses',
      status: 'running',
      attempts: 2,
      startedAt: '2026-11-21T10:00:00.400Z',
    },
  ],
  ...over,
});

describe('problem lines', () => {
  it('prints file:line:col code message', () => {
    expect(
      formatProblemItem(
        {
          code: 'unknown-activity',
          message: "unknown activity 'x'",
          path: 'spec.steps[0].uses',
          line: 7,
          column: 13,
        },
        'p.yaml',
      ),
    ).toBe("p.yaml:7:13 unknown-activity unknown activity 'x' (at spec.steps[0].uses)");
    expect(
      formatProblemItem(
        { code: 'reference-not-upstream', message: 'm', severity: 'warning', path: '' },
        'p.yaml',
      ),
    ).toBe('p.yaml reference-not-upstream warning: m');
  });
});

describe('tables and text', () => {
  it('aligns columns', () => {
    expect(
      table(
        ['NAME', 'VERSION'],
        [
          ['hello', '1'],
          ['ticket-triage', '12'],
        ],
      ),
    ).toBe('NAME           VERSION\nhello          1\nticket-triage  12\n');
  });

  it('formats durations', () => {
    expect([
      formatDurationMs(250),
      formatDurationMs(1500),
      formatDurationMs(64_000),
      formatDurationMs(7_500_000),
    ]).toEqual(['250ms', '1.5s', '1m 04s', '2h 05m']);
  });

  it('truncates to the terminal width keeping colours', () => {
    expect(truncateVisible('abcdefghij', 5)).toBe('abcd…');
    const coloured = truncateVisible('\u001b[32mabcdefghij\u001b[0m', 5);
    expect(visibleLength(coloured)).toBe(5);
    expect(coloured.endsWith('\u001b[0m')).toBe(true);
  });
});

describe('run view', () => {
  it('draws a progress bar', () => {
    expect(progressBar(1, 2, 10)).toBe('[█████░░░░░] 1/2');
    expect(progressBar(0, 0, 4)).toBe('[░░░░] 0/0');
  });

  it('counts top-level steps; containers are done when all their steps are', () => {
    expect(topLevelId('replies[3]/draft')).toBe('replies');
    expect(runProgress(run(), 3)).toEqual({ done: 1, total: 3 });
    expect(runProgress(run({ status: 'succeeded' }), 3)).toEqual({ done: 3, total: 3 });
    const mapped = run({
      steps: [
        { path: 'replies[0]/draft', id: 'draft', kind: 'uses', status: 'succeeded', attempts: 1 },
        { path: 'replies[1]/draft', id: 'draft', kind: 'uses', status: 'running', attempts: 1 },
      ],
    });
    expect(runProgress(mapped)).toEqual({ done: 0, total: 1 });
  });

  it('renders the run tree with statuses, attempts, output and link', () => {
    const lines = renderRun(run(), plain, { now: Date.parse('2026-11-21T10:00:02.000Z'), total: 2 });
    expect(lines).toEqual([
      'hello-20261121-abcdefgh  hello@1  running  2.0s',
      '[████████████░░░░░░░░░░░░] 1/2 steps',
      '  ✔ greet     succeeded  200ms',
      '  ● shout     running    1.6s  2 attempts',
      'Temporal UI: http://ui/namespaces/default/workflows/hello-20261121-abcdefgh',
    ]);
    const failed = renderRun(
      run({
        status: 'failed',
        finishedAt: '2026-11-21T10:00:03.000Z',
        error: { type: 'ActivityError', message: 'boom' },
        steps: [
          {
            path: 'fetch',
            id: 'fetch',
            kind: 'uses',
            status: 'failed',
            attempts: 3,
            error: { message: 'HTTP 500' },
          },
        ],
      }),
      plain,
    );
    expect(failed).toContain('      HTTP 500');
    expect(failed).toContain('error: ActivityError: boom');
    const done = renderRun(
      run({ status: 'succeeded', output: { a: 1 }, finishedAt: '2026-11-21T10:00:01.000Z' }),
      plain,
    );
    expect(done).toContain('output: {"a":1}');
  });

  it('renders a timeline of steps and errors', () => {
    const lines = renderTimeline(
      run({
        status: 'failed',
        finishedAt: '2026-11-21T10:00:05.000Z',
        error: 'step shout failed',
        steps: [
          ...run().steps!.slice(0, 1),
          {
            path: 'shout',
            id: 'shout',
            kind: 'uses',
            status: 'failed',
            attempts: 3,
            startedAt: '2026-11-21T10:00:00.400Z',
            finishedAt: '2026-11-21T10:00:04.000Z',
            error: { type: 'Boom', message: 'no' },
          },
        ],
      }),
      plain,
    );
    expect(lines).toEqual([
      '2026-11-21 10:00:00.000  run hello-20261121-abcdefgh started (hello@1)',
      '2026-11-21 10:00:00.100  greet  started  (uses)',
      '2026-11-21 10:00:00.300  greet  succeeded  output {"message":"Hello"}',
      '2026-11-21 10:00:00.400  shout  started  (uses, 3 attempts)',
      '2026-11-21 10:00:04.000  shout  failed after 3 attempts  Boom: no',
      '2026-11-21 10:00:05.000  run failed  step shout failed',
    ]);
  });

  it('applies the event stream: snapshot, run, step, end', () => {
    let view = applyRunEvent(undefined, 'snapshot', run({ steps: [] }));
    view = applyRunEvent(view, 'step', {
      runId: 'x',
      path: 'greet',
      id: 'greet',
      kind: 'uses',
      status: 'running',
      attempts: 1,
    });
    view = applyRunEvent(view, 'step', {
      runId: 'x',
      path: 'greet',
      id: 'greet',
      kind: 'uses',
      status: 'succeeded',
      attempts: 1,
    });
    view = applyRunEvent(view, 'run', { ...run({ status: 'succeeded' }), steps: undefined });
    expect(view?.status).toBe('succeeded');
    expect(view?.steps).toEqual([
      { path: 'greet', id: 'greet', kind: 'uses', status: 'succeeded', attempts: 1 },
    ]);
    expect(applyRunEvent(view, 'end', { status: 'failed' })?.status).toBe('failed');
    expect(applyRunEvent(view, 'heartbeat', {})).toBe(view);
  });
});
