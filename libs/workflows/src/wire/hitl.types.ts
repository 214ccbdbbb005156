import type { ApproverSetPlan, Json, JsonObject } from '@flowgate/dsl';

/** Who acts: the user id (= API key name) and the roles/groups the gateway vouches for. */
export interface DecisionActor {
  id: string;
  roles: string[];
}

/**
 * Payload of the `flowgate.decision` signal and the `flowgate.decide` update.
 * - `stepId`: the step id, or its runtime path (`m[3]/review`) when the id is open in several places.
 * - `decision` for approval steps, `data` for input steps.
 * - `actor`: `{ id, roles }`; a bare string is accepted as `{ id, roles: [] }` (matches `users` only).
 */
export interface DecisionPayload {
  stepId: string;
  decision?: 'approve' | 'reject';
  data?: Json;
  comment?: string;
  actor: DecisionActor | string;
}

export type HitlKind = 'approval' | 'input';

/**
 * Status of a HITL request. Open: `pending`, `escalated` (waiting for the escalation approvers).
 * Closed: `approved`, `rejected`, `timed_out` (decided by the deadline, see `output`),
 * `submitted` (input received), `cancelled` (the run was cancelled or failed meanwhile).
 */
export type HitlStatus =
  'pending' | 'escalated' | 'approved' | 'rejected' | 'timed_out' | 'submitted' | 'cancelled';

export const OPEN_HITL_STATUSES: readonly HitlStatus[] = ['pending', 'escalated'];

export interface Vote {
  actor: string;
  decision: 'approve' | 'reject';
  comment?: string;
  /** ISO-8601 time the workflow recorded the vote. */
  at: string;
  /** 0: the first approver set; 1: the escalation approver set. */
  round: number;
}

/** Output of an approval step (`steps.<id>.output`). */
export interface ApprovalOutput {
  [key: string]: Json;
  decision: 'approved' | 'rejected' | 'timed_out';
  approved: boolean;
  votes: { actor: string; decision: 'approve' | 'reject'; comment: string | null; at: string }[];
  /** The actors whose votes decided (the approvers of the quorum, or the rejecter); [] on timeout. */
  decidedBy: string[];
  escalated: boolean;
}

/** One HITL request (an approval or input step waiting in an execution): query and projection. */
export interface HitlRequest {
  /** The Flowgate run id. */
  runId: string;
  /** The workflow execution to address (= runId, except for map batch children). */
  workflowId: string;
  stepPath: string;
  stepId: string;
  kind: HitlKind;
  status: HitlStatus;
  /** Who may decide now (after escalation: the escalation set). Empty roles and users: anyone. */
  approvers: ApproverSetPlan;
  /** Approvals needed (input steps: 1). */
  quorum: number;
  rejectOnFirst: boolean;
  round: number;
  escalated: boolean;
  votes: Vote[];
  /** ISO-8601 deadline of the current round, when it has a timeout. */
  deadline?: string;
  createdAt: string;
  decidedAt?: string;
  message?: Json;
  /** Input steps: the JSON Schema the data must match. */
  schema?: JsonObject;
  /** Input steps: who submitted, when. */
  submission?: { by: string; at: string; comment?: string };
  /** The step's output once decided. */
  output?: Json;
}

/** Result of an accepted `flowgate.decide` update: the step's state after the decision. */
export interface DecideResult {
  runId: string;
  stepPath: string;
  stepId: string;
  kind: HitlKind;
  status: HitlStatus;
  /** True when this actor had already voted in this round: nothing changed. */
  duplicate: boolean;
  votes: Vote[];
  quorum: number;
  approvals: number;
  rejections: number;
  output?: Json;
}

/** Who a waiting run waits for (RunChange.waitingFor). */
export interface WaitingFor {
  stepPath: string;
  kind: HitlKind;
  roles: string[];
  users: string[];
  quorum: number;
  deadline?: string;
}
