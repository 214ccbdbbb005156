import type { AttemptRecord, AuditRecord, RunRecord, StepRunRecord } from '@flowgate/store';
import type { AttemptModel, DecisionModel, RunModel, StepModel } from './models/run.model';
import { runFields } from './run.presenter';

export function toRunModel(run: RunRecord, temporalUrl: string): RunModel {
  return {
    ...runFields(run),
    waitingFor:
      run.status !== 'waiting'
        ? null
        : (run.waitingFor?.map((w) => ({
            stepPath: w.stepPath,
            kind: w.kind,
            roles: w.roles ?? [],
            users: w.users ?? [],
            quorum: w.quorum,
            deadline: w.deadline ? new Date(w.deadline) : null,
          })) ?? null),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
    temporalUrl,
  };
}

export function toStepModel(s: StepRunRecord): StepModel {
  return {
    runId: s.runId,
    path: s.path,
    id: s.stepId,
    kind: s.kind,
    status: s.status,
    attemptCount: s.attempts,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    outputPreview: s.outputPreview,
    error: s.error ?? null,
  };
}

export function toAttemptModel(a: AttemptRecord): AttemptModel {
  return {
    attempt: a.attempt,
    status: a.status,
    worker: a.worker,
    startedAt: a.startedAt,
    finishedAt: a.finishedAt,
    error: a.error ?? null,
  };
}

export function toDecisionModel(e: AuditRecord): DecisionModel {
  const d = (e.details ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: e.id,
    action: e.action,
    actor: e.actor,
    subject: e.subject,
    stepId: str(d.stepId) ?? str(d.stepPath) ?? null,
    decision: str(d.decision) ?? (e.action.includes('.') ? e.action.slice(e.action.indexOf('.') + 1) : null),
    comment: str(d.comment),
    details: d,
    createdAt: e.createdAt,
  };
}
