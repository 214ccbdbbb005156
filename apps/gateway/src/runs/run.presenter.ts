import type { RunRecord, StepRunRecord } from '@flowgate/store';

/** The fields of a run that REST and GraphQL show alike. */
export function runFields(run: RunRecord) {
  return {
    id: run.id,
    status: run.status,
    pipeline: { name: run.pipelineName, version: run.pipelineVersion, digest: run.digest },
    input: run.input,
    output: run.output ?? null,
    error: run.error ?? null,
    tags: run.tags,
    submittedBy: run.submittedBy,
    parentRunId: run.parentRunId,
    parentStepPath: run.parentStepPath,
    retryOf: run.retryOf,
  };
}

/** Public JSON shape of a run. */
export function presentRun(run: RunRecord, links: { temporalUi: string }, steps?: StepRunRecord[]) {
  return {
    ...runFields(run),
    // Only while waiting (the worker clears it just after the status changes).
    waitingFor: run.status === 'waiting' ? (run.waitingFor ?? null) : null,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    links: { self: `/v1/runs/${encodeURIComponent(run.id)}`, temporalUi: links.temporalUi },
    ...(steps ? { steps: steps.map(presentStep) } : {}),
  };
}

/** Public JSON shape of a step. */
export function presentStep(s: StepRunRecord) {
  return {
    path: s.path,
    id: s.stepId,
    kind: s.kind,
    status: s.status,
    attempts: s.attempts,
    startedAt: s.startedAt?.toISOString() ?? null,
    finishedAt: s.finishedAt?.toISOString() ?? null,
    outputPreview: s.outputPreview,
    error: s.error ?? null,
  };
}
