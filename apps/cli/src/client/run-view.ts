import type { RunView, StepView } from './gateway.types';
import { formatDurationMs, type Io, paint, prettyJson, statusColour } from './output';

export const TERMINAL_RUN_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);
const TERMINAL_STEP_STATUSES = new Set(['succeeded', 'failed', 'skipped', 'cancelled', 'compensated']);

export const isTerminalRun = (status: string): boolean => TERMINAL_RUN_STATUSES.has(status);

const ICONS: Record<string, string> = {
  succeeded: '✔',
  failed: '✖',
  cancelled: '⊘',
  skipped: '↷',
  compensated: '↺',
  running: '●',
  waiting: '◌',
  pending: '○',
};

/** A step path's segments: `replies[3]/draft` → `['replies[3]', 'draft']`. */
const segments = (path: string): string[] => path.split('/').filter(Boolean);

/** The top-level step id a runtime path belongs to: `replies[3]/draft` → `replies`. */
export const topLevelId = (path: string): string => (segments(path)[0] ?? path).replace(/\[.*$/, '');

/**
 * Progress of a run: top-level steps finished out of the pipeline's top-level steps (`total`
 * from the registered document when known, else the steps seen so far). A finished run counts as
 * complete. Container steps count as done when every step seen under them has finished.
 */
export function runProgress(run: RunView, total?: number): { done: number; total: number } {
  const byTop = new Map<string, StepView[]>();
  for (const step of run.steps ?? []) {
    const id = topLevelId(step.path);
    byTop.set(id, [...(byTop.get(id) ?? []), step]);
  }
  const known = Math.max(total ?? 0, byTop.size);
  if (run.status === 'succeeded') return { done: known, total: known };
  let done = 0;
  for (const steps of byTop.values()) if (steps.every((s) => TERMINAL_STEP_STATUSES.has(s.status))) done++;
  return { done: Math.min(done, known), total: known };
}

/** `[██████░░░░░░] 3/6` */
export function progressBar(done: number, total: number, width = 24): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}`;
}

function stepDuration(step: StepView, now: number): string {
  if (!step.startedAt) return '';
  const start = Date.parse(step.startedAt);
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  return formatDurationMs(end - start);
}

/** One-line summary of an error value (problem, ApplicationFailure-like or string). */
export function errorSummary(error: unknown): string {
  if (error === null || error === undefined) return '';
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const e = error as { type?: unknown; code?: unknown; message?: unknown; detail?: unknown };
    const kind = typeof e.type === 'string' ? e.type : typeof e.code === 'string' ? e.code : undefined;
    const message =
      typeof e.message === 'string' ? e.message : typeof e.detail === 'string' ? e.detail : undefined;
    if (message) return kind ? `${kind}: ${message}` : message;
  }
  return prettyJson(error, 200);
}

/**
 * The run tree for humans: a header, the progress bar, one line per step indented by its path
 * depth, and the output or error once the run has ended.
 */
export function renderRun(
  run: RunView,
  io: Pick<Io, 'color'>,
  /** `compact`: the output on one line (the live view, which redraws a fixed number of lines). */
  opts: { total?: number; now?: number; compact?: boolean } = {},
): string[] {
  const now = opts.now ?? Date.now();
  const started = run.createdAt ? Date.parse(run.createdAt) : undefined;
  const ended = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const elapsed = started !== undefined ? `  ${formatDurationMs(ended - started)}` : '';
  const lines = [
    `${paint(io, 'bold', run.id)}  ${run.pipeline.name}@${run.pipeline.version}  ${paint(io, statusColour(run.status), run.status)}${elapsed}`,
  ];
  const { done, total } = runProgress(run, opts.total);
  lines.push(`${paint(io, statusColour(run.status), progressBar(done, total))} steps`);

  const steps = [...(run.steps ?? [])].sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.path.localeCompare(b.path),
  );
  const width = Math.min(
    40,
    Math.max(8, ...steps.map((s) => s.path.length + 2 * (segments(s.path).length - 1))),
  );
  for (const step of steps) {
    const depth = segments(step.path).length - 1;
    const name = `${'  '.repeat(depth)}${segments(step.path).at(-1) ?? step.path}`;
    const icon = paint(io, statusColour(step.status), ICONS[step.status] ?? '·');
    const attempts = step.attempts > 1 ? `  ${step.attempts} attempts` : '';
    const duration = stepDuration(step, now);
    lines.push(
      `  ${icon} ${name.padEnd(width)}  ${paint(io, statusColour(step.status), step.status.padEnd(9))}${duration ? `  ${duration}` : ''}${attempts}`,
    );
    if (step.status === 'failed' && step.error)
      lines.push(`      ${paint(io, 'red', errorSummary(step.error))}`);
  }
  if (run.status === 'waiting')
    lines.push(paint(io, 'magenta', '  waiting for a person: see `flowgate approvals list`'));
  if (run.status === 'succeeded' && run.output !== undefined)
    lines.push(`output: ${opts.compact ? JSON.stringify(run.output) : prettyJson(run.output)}`);
  if ((run.status === 'failed' || run.status === 'cancelled') && run.error)
    lines.push(paint(io, 'red', `error: ${errorSummary(run.error)}`));
  if (run.links?.temporalUi) lines.push(paint(io, 'gray', `Temporal UI: ${run.links.temporalUi}`));
  return lines.flatMap((l) => l.split('\n'));
}

/** The run's step and attempt timeline with errors (`flowgate logs`). */
export function renderTimeline(run: RunView, io: Pick<Io, 'color'>): string[] {
  type Entry = { at: string; text: string };
  const entries: Entry[] = [];
  if (run.createdAt)
    entries.push({
      at: run.createdAt,
      text: `run ${run.id} started (${run.pipeline.name}@${run.pipeline.version})`,
    });
  for (const step of run.steps ?? []) {
    if (step.startedAt)
      entries.push({
        at: step.startedAt,
        text: `${step.path}  started  (${step.kind}${step.attempts > 1 ? `, ${step.attempts} attempts` : ''})`,
      });
    if (step.finishedAt) {
      const detail =
        step.status === 'failed'
          ? paint(io, 'red', errorSummary(step.error))
          : step.outputPreview
            ? `output ${step.outputPreview}`
            : '';
      entries.push({
        at: step.finishedAt,
        text: `${step.path}  ${paint(io, statusColour(step.status), step.status)}${step.attempts > 1 ? ` after ${step.attempts} attempts` : ''}${detail ? `  ${detail}` : ''}`,
      });
    } else if (!step.startedAt) {
      entries.push({ at: '', text: `${step.path}  ${step.status}` });
    }
  }
  if (run.finishedAt) {
    const tail = run.status === 'failed' || run.status === 'cancelled' ? `  ${errorSummary(run.error)}` : '';
    entries.push({
      at: run.finishedAt,
      text: `run ${paint(io, statusColour(run.status), run.status)}${tail}`,
    });
  }
  entries.sort((a, b) => (a.at || '~').localeCompare(b.at || '~'));
  const lines = entries.map(
    (e) => `${(e.at ? e.at.replace('T', ' ').replace('Z', '') : '').padEnd(23)}  ${e.text}`,
  );
  if (!run.finishedAt) lines.push(`${''.padEnd(23)}  run is ${run.status}`);
  return lines;
}

/**
 * Applies one event of `GET /v1/runs/:id/events` to the current view: `snapshot` replaces it,
 * `run` updates the run (keeping its steps), `step` updates or adds one step.
 */
export function applyRunEvent(
  current: RunView | undefined,
  event: string,
  data: unknown,
): RunView | undefined {
  if (!data || typeof data !== 'object') return current;
  switch (event) {
    case 'snapshot':
      return data as RunView;
    case 'run':
      return current
        ? { ...(data as RunView), steps: (data as RunView).steps ?? current.steps }
        : (data as RunView);
    case 'step': {
      if (!current) return current;
      const step = data as StepView & { runId?: string };
      const { runId: _runId, ...rest } = step;
      const steps = [...(current.steps ?? [])];
      const at = steps.findIndex((s) => s.path === step.path);
      if (at >= 0) steps[at] = rest;
      else steps.push(rest);
      return { ...current, steps };
    }
    case 'end': {
      const status = (data as { status?: string }).status;
      return current && status ? { ...current, status } : current;
    }
    default:
      return current;
  }
}

/** A comparable fingerprint of what the live view shows (redraw only on change). */
export function viewKey(run: RunView): string {
  return JSON.stringify([
    run.status,
    (run.steps ?? []).map((s) => [s.path, s.status, s.attempts, s.finishedAt]),
    run.output ?? null,
  ]);
}
