/**
 * Pure mapping of a run's Temporal history to its projection rows (runs, step_runs, attempts):
 * what `flowgate admin reproject` writes. Works on the protobuf objects returned by the Temporal
 * client (`fetchHistory()`, Long ids, Uint8Array payloads) and on the JSON form printed by
 * `temporal workflow show --output json` (string ids, base64 payloads, ISO times).
 * No I/O, no Temporal dependency: events are read structurally.
 */

/** A number as protobuf hands it out: number, numeric string or Long. */
export type ProtoNumber = number | string | { toNumber(): number } | null | undefined;
type Bytes = Uint8Array | string | null | undefined;

export interface HistoryPayload {
  metadata?: Record<string, Bytes> | null;
  data?: Bytes;
}

export interface HistoryPayloads {
  payloads?: HistoryPayload[] | null;
}

export interface HistoryFailure {
  message?: string | null;
  cause?: HistoryFailure | null;
  applicationFailureInfo?: { type?: string | null; nonRetryable?: boolean | null } | null;
  timeoutFailureInfo?: { timeoutType?: unknown } | null;
  canceledFailureInfo?: unknown;
  terminatedFailureInfo?: unknown;
  serverFailureInfo?: unknown;
  activityFailureInfo?: unknown;
  childWorkflowExecutionFailureInfo?: unknown;
}

/** The parts of a Temporal history event this mapping reads. */
export interface HistoryEventLike {
  eventId?: ProtoNumber;
  eventTime?: string | Date | { seconds?: ProtoNumber; nanos?: number | null } | null;
  userMetadata?: { summary?: HistoryPayload | null } | null;
  workflowExecutionStartedEventAttributes?: {
    input?: HistoryPayloads | null;
    parentWorkflowExecution?: { workflowId?: string | null } | null;
    originalExecutionRunId?: string | null;
  } | null;
  workflowExecutionCompletedEventAttributes?: { result?: HistoryPayloads | null } | null;
  workflowExecutionFailedEventAttributes?: { failure?: HistoryFailure | null } | null;
  workflowExecutionTimedOutEventAttributes?: unknown;
  workflowExecutionCanceledEventAttributes?: unknown;
  workflowExecutionTerminatedEventAttributes?: { reason?: string | null } | null;
  workflowExecutionContinuedAsNewEventAttributes?: unknown;
  activityTaskScheduledEventAttributes?: {
    activityId?: string | null;
    activityType?: { name?: string | null } | null;
    workflowTaskCompletedEventId?: ProtoNumber;
  } | null;
  activityTaskStartedEventAttributes?: {
    scheduledEventId?: ProtoNumber;
    identity?: string | null;
    attempt?: number | null;
    lastFailure?: HistoryFailure | null;
  } | null;
  activityTaskCompletedEventAttributes?: {
    scheduledEventId?: ProtoNumber;
    result?: HistoryPayloads | null;
  } | null;
  activityTaskFailedEventAttributes?: {
    scheduledEventId?: ProtoNumber;
    failure?: HistoryFailure | null;
  } | null;
  activityTaskTimedOutEventAttributes?: {
    scheduledEventId?: ProtoNumber;
    failure?: HistoryFailure | null;
  } | null;
  activityTaskCanceledEventAttributes?: { scheduledEventId?: ProtoNumber } | null;
  startChildWorkflowExecutionInitiatedEventAttributes?: {
    workflowId?: string | null;
    workflowType?: { name?: string | null } | null;
  } | null;
  childWorkflowExecutionStartedEventAttributes?: { initiatedEventId?: ProtoNumber } | null;
  childWorkflowExecutionCompletedEventAttributes?: {
    initiatedEventId?: ProtoNumber;
    result?: HistoryPayloads | null;
  } | null;
  childWorkflowExecutionFailedEventAttributes?: {
    initiatedEventId?: ProtoNumber;
    failure?: HistoryFailure | null;
  } | null;
  childWorkflowExecutionCanceledEventAttributes?: { initiatedEventId?: ProtoNumber } | null;
  childWorkflowExecutionTimedOutEventAttributes?: { initiatedEventId?: ProtoNumber } | null;
  childWorkflowExecutionTerminatedEventAttributes?: { initiatedEventId?: ProtoNumber } | null;
  startChildWorkflowExecutionFailedEventAttributes?: { initiatedEventId?: ProtoNumber } | null;
}

export type ProjectedRunStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

export interface ProjectedError {
  type: string;
  message: string;
}

export interface ProjectedRun {
  id: string;
  status: ProjectedRunStatus;
  output: unknown;
  error: ProjectedError | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Run header from the workflow input (to recreate a lost run row). */
  tenant?: string;
  pipelineName?: string;
  pipelineVersion?: number;
  digest?: string;
  input?: unknown;
  tags?: string[];
  submittedBy?: string;
  parentRunId?: string;
  parentStepPath?: string;
}

export interface ProjectedStep {
  path: string;
  stepId: string;
  kind: string;
  status: string;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  outputPreview: string | null;
  error: ProjectedError | null;
}

export interface ProjectedAttempt {
  path: string;
  attempt: number;
  status: 'running' | 'succeeded' | 'failed';
  worker: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: ProjectedError | null;
}

export interface HistoryProjection {
  run: ProjectedRun;
  steps: ProjectedStep[];
  attempts: ProjectedAttempt[];
}

export type PayloadDecoder = (payload: HistoryPayload) => unknown;

/** Same bound as the worker's step projection. */
export const OUTPUT_PREVIEW_LIMIT = 512;

export function toNumber(value: ProtoNumber): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}

function bytesToString(bytes: Bytes): string {
  if (bytes === null || bytes === undefined) return '';
  if (typeof bytes === 'string') return Buffer.from(bytes, 'base64').toString('utf8');
  return Buffer.from(bytes).toString('utf8');
}

/** Decodes the default data converter's payloads (`json/plain`, `binary/null`). */
export const decodeJsonPayload: PayloadDecoder = (payload) => {
  const encoding = bytesToString(payload.metadata?.encoding);
  if (encoding === 'json/plain') {
    const text = bytesToString(payload.data);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
  return undefined;
};

function eventTime(e: HistoryEventLike): Date | null {
  const t = e.eventTime;
  if (!t) return null;
  if (t instanceof Date) return t;
  if (typeof t === 'string') return new Date(t);
  return new Date(toNumber(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));
}

export function outputPreview(value: unknown): string | null {
  if (value === undefined) return null;
  const json = JSON.stringify(value) ?? 'null';
  return json.length > OUTPUT_PREVIEW_LIMIT ? `${json.slice(0, OUTPUT_PREVIEW_LIMIT - 1)}…` : json;
}

/** The user-facing error of a failure: the innermost cause carries the step's reason. */
export function failureToError(
  failure: HistoryFailure | null | undefined,
  fallback = 'Error',
): ProjectedError {
  let f = failure ?? undefined;
  while (f?.cause) f = f.cause;
  if (!f) return { type: fallback, message: fallback };
  const type = f.applicationFailureInfo?.type
    ? f.applicationFailureInfo.type
    : f.timeoutFailureInfo
      ? 'TimeoutFailure'
      : f.canceledFailureInfo
        ? 'CancelledFailure'
        : f.terminatedFailureInfo
          ? 'TerminatedFailure'
          : f.serverFailureInfo
            ? 'ServerFailure'
            : fallback;
  return { type, message: f.message ?? type };
}

/** Step id of a runtime path: the last segment without indices (`m[3]/draft` → `draft`). */
export function stepIdOfPath(path: string): string {
  const last = path.split('/').pop() ?? path;
  return last.replace(/\[[^\]]*\]$/, '');
}

const first = (p: HistoryPayloads | null | undefined, decode: PayloadDecoder): unknown => {
  const payload = p?.payloads?.[0];
  return payload ? decode(payload) : undefined;
};

interface StartInput {
  plan?: { digest?: string; pipeline?: { name?: string; version?: number; tags?: string[] } };
  input?: unknown;
  run?: {
    id?: string;
    tenant?: string;
    submittedBy?: string;
    parent?: { runId?: string; stepPath?: string };
  };
}

/** Map batch children (`<map path>[from-to]`) are an implementation detail of `map`, not steps. */
const BATCH_CHILD = /\[\d+-\d+\]$/;

/**
 * Maps the events of one execution to projection rows. Activity steps (`uses`, including
 * compensations) and sub-pipeline children are in history; purely in-workflow steps (`set`,
 * `switch`, ...) are not, and come from the progress query (see `mergeProgressSteps`).
 * Attempts before the last one are known only by number (history records the final attempt).
 */
export function projectHistory(
  runId: string,
  events: readonly HistoryEventLike[],
  decode: PayloadDecoder = decodeJsonPayload,
): HistoryProjection {
  const run: ProjectedRun = {
    id: runId,
    status: 'running',
    output: null,
    error: null,
    startedAt: null,
    finishedAt: null,
  };
  const steps = new Map<string, ProjectedStep>();
  const attempts = new Map<string, ProjectedAttempt[]>();
  /** scheduled / initiated event id → step path */
  const pathOf = new Map<number, string>();
  const startedOf = new Map<number, { time: Date | null; attempt: number; worker: string | null }>();

  const finishActivity = (
    scheduledId: ProtoNumber,
    time: Date | null,
    status: 'succeeded' | 'failed' | 'cancelled',
    details: { output?: unknown; error?: ProjectedError },
  ) => {
    const path = pathOf.get(toNumber(scheduledId));
    const step = path === undefined ? undefined : steps.get(path);
    if (!path || !step) return;
    step.status = status;
    step.finishedAt = time;
    if (details.output !== undefined) step.outputPreview = outputPreview(details.output);
    if (details.error) step.error = details.error;
    const started = startedOf.get(toNumber(scheduledId));
    const list = attempts.get(path) ?? [];
    if (started) {
      const last = list[list.length - 1];
      if (last) {
        last.status = status === 'succeeded' ? 'succeeded' : 'failed';
        last.finishedAt = time;
        last.error = details.error ?? null;
      }
    } else if (status !== 'cancelled') {
      // Completed without a recorded start (possible for a cancelled or timed-out schedule).
      list.push({
        path,
        attempt: 1,
        status: status === 'succeeded' ? 'succeeded' : 'failed',
        worker: null,
        startedAt: time ?? new Date(0),
        finishedAt: time,
        error: details.error ?? null,
      });
      step.attempts = Math.max(step.attempts, 1);
    }
    attempts.set(path, list);
  };

  for (const e of events) {
    const time = eventTime(e);
    const id = toNumber(e.eventId);

    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      run.startedAt = time;
      const start = first(a.input, decode) as StartInput | undefined;
      if (start?.plan?.pipeline) {
        run.pipelineName = start.plan.pipeline.name;
        run.pipelineVersion = start.plan.pipeline.version;
        run.tags = start.plan.pipeline.tags ?? [];
        run.digest = start.plan.digest;
      }
      if (start && 'input' in start) run.input = start.input;
      if (start?.run) {
        run.tenant = start.run.tenant;
        run.submittedBy = start.run.submittedBy;
        if (start.run.parent?.runId) {
          run.parentRunId = start.run.parent.runId;
          run.parentStepPath = start.run.parent.stepPath;
        }
      }
      const parentId = a.parentWorkflowExecution?.workflowId;
      if (!run.parentRunId && parentId && runId.startsWith(`${parentId}/`)) {
        run.parentRunId = parentId;
        run.parentStepPath = runId.slice(parentId.length + 1);
      }
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const path = a.activityId ?? `activity-${id}`;
      const summary = e.userMetadata?.summary ? decode(e.userMetadata.summary) : undefined;
      pathOf.set(id, path);
      const existing = steps.get(path);
      steps.set(path, {
        path,
        stepId: typeof summary === 'string' && summary ? summary : stepIdOfPath(path),
        kind: 'uses',
        status: 'running',
        attempts: existing?.attempts ?? 0,
        startedAt: time,
        finishedAt: null,
        outputPreview: null,
        error: null,
      });
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const scheduledId = toNumber(a.scheduledEventId);
      const path = pathOf.get(scheduledId);
      const step = path === undefined ? undefined : steps.get(path);
      if (!path || !step) continue;
      const attempt = Math.max(1, a.attempt ?? 1);
      const worker = a.identity || null;
      startedOf.set(scheduledId, { time, attempt, worker });
      const list: ProjectedAttempt[] = [];
      for (let n = 1; n < attempt; n++) {
        list.push({
          path,
          attempt: n,
          status: 'failed',
          worker: null,
          startedAt: step.startedAt ?? time ?? new Date(0),
          finishedAt: null,
          error: n === attempt - 1 && a.lastFailure ? failureToError(a.lastFailure) : null,
        });
      }
      list.push({
        path,
        attempt,
        status: 'running',
        worker,
        startedAt: time ?? new Date(0),
        finishedAt: null,
        error: null,
      });
      attempts.set(path, list);
      step.attempts = attempt;
    } else if (e.activityTaskCompletedEventAttributes) {
      const a = e.activityTaskCompletedEventAttributes;
      finishActivity(a.scheduledEventId, time, 'succeeded', { output: first(a.result, decode) ?? null });
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      finishActivity(a.scheduledEventId, time, 'failed', { error: failureToError(a.failure) });
    } else if (e.activityTaskTimedOutEventAttributes) {
      const a = e.activityTaskTimedOutEventAttributes;
      finishActivity(a.scheduledEventId, time, 'failed', {
        error: failureToError(a.failure, 'TimeoutFailure'),
      });
    } else if (e.activityTaskCanceledEventAttributes) {
      finishActivity(e.activityTaskCanceledEventAttributes.scheduledEventId, time, 'cancelled', {});
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      const childId = e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId ?? '';
      if (!childId.startsWith(`${runId}/`)) continue;
      const path = childId.slice(runId.length + 1);
      if (BATCH_CHILD.test(path)) continue;
      pathOf.set(id, path);
      steps.set(path, {
        path,
        stepId: stepIdOfPath(path),
        kind: 'pipeline',
        status: 'running',
        attempts: 1,
        startedAt: time,
        finishedAt: null,
        outputPreview: null,
        error: null,
      });
    } else {
      const child = childOutcome(e, decode);
      if (child) {
        const step = steps.get(pathOf.get(toNumber(child.initiatedEventId)) ?? '');
        if (step) {
          step.status = child.status;
          step.finishedAt = time;
          if (child.output !== undefined) step.outputPreview = outputPreview(child.output);
          if (child.error) step.error = child.error;
        }
        continue;
      }
      const outcome = runOutcome(e, decode);
      if (outcome) {
        run.status = outcome.status;
        run.output = outcome.output ?? null;
        run.error = outcome.error ?? null;
        run.finishedAt = outcome.status === 'running' ? null : time;
      }
    }
  }

  return {
    run,
    steps: [...steps.values()],
    attempts: [...attempts.values()].flat(),
  };
}

function childOutcome(
  e: HistoryEventLike,
  decode: PayloadDecoder,
): { initiatedEventId: ProtoNumber; status: string; output?: unknown; error?: ProjectedError } | undefined {
  if (e.childWorkflowExecutionCompletedEventAttributes) {
    const a = e.childWorkflowExecutionCompletedEventAttributes;
    const result = first(a.result, decode) as { output?: unknown } | undefined;
    return {
      initiatedEventId: a.initiatedEventId,
      status: 'succeeded',
      output: result?.output ?? result ?? null,
    };
  }
  if (e.childWorkflowExecutionFailedEventAttributes) {
    const a = e.childWorkflowExecutionFailedEventAttributes;
    return { initiatedEventId: a.initiatedEventId, status: 'failed', error: failureToError(a.failure) };
  }
  if (e.childWorkflowExecutionCanceledEventAttributes) {
    return {
      initiatedEventId: e.childWorkflowExecutionCanceledEventAttributes.initiatedEventId,
      status: 'cancelled',
    };
  }
  if (e.childWorkflowExecutionTimedOutEventAttributes) {
    return {
      initiatedEventId: e.childWorkflowExecutionTimedOutEventAttributes.initiatedEventId,
      status: 'failed',
      error: { type: 'TimeoutFailure', message: 'the child run timed out' },
    };
  }
  if (e.childWorkflowExecutionTerminatedEventAttributes) {
    return {
      initiatedEventId: e.childWorkflowExecutionTerminatedEventAttributes.initiatedEventId,
      status: 'failed',
      error: { type: 'Terminated', message: 'the child run was terminated in Temporal' },
    };
  }
  if (e.startChildWorkflowExecutionFailedEventAttributes) {
    return {
      initiatedEventId: e.startChildWorkflowExecutionFailedEventAttributes.initiatedEventId,
      status: 'failed',
      error: { type: 'ChildStartFailed', message: 'the child run could not be started' },
    };
  }
  return undefined;
}

function runOutcome(
  e: HistoryEventLike,
  decode: PayloadDecoder,
): { status: ProjectedRunStatus; output?: unknown; error?: ProjectedError } | undefined {
  if (e.workflowExecutionCompletedEventAttributes) {
    const result = first(e.workflowExecutionCompletedEventAttributes.result, decode) as
      { output?: unknown } | undefined;
    return { status: 'succeeded', output: result?.output ?? null };
  }
  if (e.workflowExecutionFailedEventAttributes) {
    return { status: 'failed', error: failureToError(e.workflowExecutionFailedEventAttributes.failure) };
  }
  if (e.workflowExecutionTimedOutEventAttributes) {
    return { status: 'failed', error: { type: 'TimeoutFailure', message: 'the run timed out' } };
  }
  if (e.workflowExecutionCanceledEventAttributes) return { status: 'cancelled' };
  if (e.workflowExecutionTerminatedEventAttributes) {
    // Same wording as the gateway's reconciler.
    return { status: 'failed', error: { type: 'Terminated', message: 'the run was terminated in Temporal' } };
  }
  if (e.workflowExecutionContinuedAsNewEventAttributes) return { status: 'running' };
  return undefined;
}

/** A step of the live run tree (the `progress` query's StepProgress, structurally). */
export interface ProgressStepLike {
  path: string;
  id: string;
  kind: string;
  status: string;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  outputPreview?: string;
  error?: ProjectedError;
}

/**
 * Adds the steps only the workflow knows (non-activity kinds, from the `progress` query) to a
 * history projection. History wins for the steps it has.
 */
export function mergeProgressSteps(
  projection: HistoryProjection,
  progress: readonly ProgressStepLike[],
): HistoryProjection {
  const known = new Set(projection.steps.map((s) => s.path));
  const extra: ProjectedStep[] = progress
    .filter((p) => !known.has(p.path))
    .map((p) => ({
      path: p.path,
      stepId: p.id,
      kind: p.kind,
      status: p.status,
      attempts: p.attempts,
      startedAt: p.startedAt ? new Date(p.startedAt) : null,
      finishedAt: p.finishedAt ? new Date(p.finishedAt) : null,
      outputPreview: p.outputPreview ?? null,
      error: p.error ?? null,
    }));
  return { ...projection, steps: [...projection.steps, ...extra] };
}

/** Where `POST /v1/runs/:id/retry` with mode `reset` resets a failed run to. */
export interface ResetPoint {
  /** The WorkflowTaskCompleted event whose workflow task scheduled the failed step. */
  workflowTaskFinishEventId: number;
  /** Runtime path of the failed step. */
  path: string;
}

/**
 * The workflow task before the failed step: the last activity that failed (or timed out) was
 * scheduled by a workflow task; resetting to that task's completion re-runs the step and
 * everything after it, keeping everything before it.
 */
export function findResetPoint(events: readonly HistoryEventLike[]): ResetPoint | undefined {
  const scheduled = new Map<number, { path: string; wftCompleted: number }>();
  let failed: { path: string; wftCompleted: number } | undefined;
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a) {
      scheduled.set(toNumber(e.eventId), {
        path: a.activityId ?? '',
        wftCompleted: toNumber(a.workflowTaskCompletedEventId),
      });
      continue;
    }
    const f = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (f) failed = scheduled.get(toNumber(f.scheduledEventId)) ?? failed;
  }
  if (!failed || failed.wftCompleted <= 0) return undefined;
  return { workflowTaskFinishEventId: failed.wftCompleted, path: failed.path };
}
