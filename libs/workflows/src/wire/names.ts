/**
 * Wire names shared by the gateway, the worker and the CLI. These are part of Flowgate's
 * contract with running workflows and with Temporal visibility: never rename one without
 * versioning (a new name beside the old, and a patched() transition in workflow code).
 */

/** Default task queue of the interpreter workflow and built-in activities. */
export const DEFAULT_TASK_QUEUE = 'flowgate';

/** Workflow type of the generic interpreter. */
export const RUN_PIPELINE_WORKFLOW = 'runPipeline';

/** Workflow type of a batch of map items run as a child workflow (bounded history). */
export const RUN_MAP_BATCH_WORKFLOW = 'runMapBatch';

/** Query returning the live run tree (see RunProgress). */
export const PROGRESS_QUERY = 'progress';

/**
 * Human-in-the-loop (approval/input steps). A decision (approval vote or input data) arrives as a
 * signal (`temporal workflow signal --name flowgate.decision`) or as an update whose validator
 * refuses non-approvers, unknown or closed steps and invalid data before anything is recorded.
 * Payload of both: DecisionPayload (wire/hitl.types.ts); the update returns DecideResult.
 */
export const DECISION_SIGNAL = 'flowgate.decision';
export const DECIDE_UPDATE = 'flowgate.decide';
/** Query returning the open HITL requests of an execution (HitlRequest[]). */
export const PENDING_QUERY = 'flowgate.pending';

/** Activity the approval step calls for reminders (Slack-compatible `{ text, blocks }`). */
export const NOTIFY_WEBHOOK_ACTIVITY = 'notify.webhook';

/** Custom search attributes registered on the namespace (name → Temporal type). */
export const SEARCH_ATTRIBUTES = {
  pipeline: 'FlowgatePipeline',
  pipelineVersion: 'FlowgatePipelineVersion',
  tenant: 'FlowgateTenant',
  tags: 'FlowgateTags',
} as const;

export const SEARCH_ATTRIBUTE_TYPES: Record<
  (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES],
  string
> = {
  FlowgatePipeline: 'Keyword',
  FlowgatePipelineVersion: 'Int',
  FlowgateTenant: 'Keyword',
  FlowgateTags: 'KeywordList',
};

/** Memo keys set on every run (visible in the Temporal UI). */
export const MEMO_KEYS = {
  digest: 'flowgatePlanDigest',
  submittedBy: 'flowgateSubmittedBy',
} as const;

/**
 * Reserved activity names for blob access (see LARGE_OUTPUT_BYTES). The interpreter does not call
 * them: large activity results are stored by reference in the worker's activity wrapper
 * (`createActivities` of @flowgate/activities), which also resolves references in inputs. The
 * names stay reserved (exempt from policy enforcement) for explicit blob steps later.
 */
export const BLOB_PUT_ACTIVITY = 'blob.put';
export const BLOB_GET_ACTIVITY = 'blob.get';

/** Error types raised by the interpreter (ApplicationFailure.type). */
export const ERROR_TYPES = {
  expression: 'ExpressionError',
  plan: 'PlanError',
  notImplemented: 'NotImplemented',
  outputTooLarge: 'OutputTooLarge',
  /** An approval whose timeout has `onTimeout: fail`, or an input step past its timeout. */
  approvalTimedOut: 'ApprovalTimedOut',
  inputTimedOut: 'InputTimedOut',
} as const;

/**
 * Why a decision was refused (ApplicationFailure.type of a rejected `flowgate.decide` update;
 * logged for an ignored signal). The gateway maps them to HTTP statuses.
 */
export const DECISION_ERRORS = {
  /** The actor is not among the step's (current) approvers: 403. */
  notApprover: 'NotAnApprover',
  /** No HITL step with that id or path has been opened in the run (yet): 404. */
  unknownStep: 'UnknownStep',
  /** The step has already been decided (or timed out, or was cancelled): 409. */
  closed: 'StepClosed',
  /** The stepId names several open steps (map items): use the runtime path: 409. */
  ambiguous: 'AmbiguousStep',
  /** Input data failing the step's JSON Schema (details: the schema errors), or a malformed payload: 400. */
  invalidData: 'InvalidDecisionData',
} as const;
export type DecisionErrorType = (typeof DECISION_ERRORS)[keyof typeof DECISION_ERRORS];
