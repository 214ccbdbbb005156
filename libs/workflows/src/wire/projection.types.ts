import type { Json } from '@flowgate/dsl';
import type { Sinks } from '@temporalio/workflow';
import type { HitlRequest, WaitingFor } from './hitl.types';
import type { RunStatus, StepProgress } from './run.types';

/**
 * Run-tree projection: the interpreter reports run and step changes through a Temporal sink, so
 * the worker can write them to PostgreSQL without adding a single event to the workflow history.
 * Sinks are not called during replay; each change carries the whole current state of its entity,
 * so a missed or repeated call is harmless.
 */
export const PROJECTION_SINK = 'projection';

export interface RunChange {
  runId: string;
  tenant: string;
  status: RunStatus;
  pipeline: { name: string; version: number; digest: string; tags: string[] };
  submittedBy: string;
  parent?: { runId: string; stepPath: string };
  /** Present on the first `running` change (so child runs can be inserted). */
  input?: Json;
  output?: Json;
  error?: { type: string; message: string };
  /** Status `waiting`: the open approval/input steps and who may answer them ([] once none is open). */
  waitingFor?: WaitingFor[];
}

/** A HITL request's whole current state (the worker writes the `approvals` table and the audit trail). */
export interface ApprovalChange extends HitlRequest {
  tenant: string;
}

export interface StepChange extends StepProgress {
  runId: string;
}

export interface ProjectionSinks extends Sinks {
  [PROJECTION_SINK]: {
    run(change: RunChange): void;
    step(change: StepChange): void;
    approval(change: ApprovalChange): void;
  };
}
