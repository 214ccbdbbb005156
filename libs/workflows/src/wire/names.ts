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

/** Activities used by the interpreter itself for large outputs (see LARGE_OUTPUT_BYTES). */
export const BLOB_PUT_ACTIVITY = 'blob.put';
export const BLOB_GET_ACTIVITY = 'blob.get';

/** Error types raised by the interpreter (ApplicationFailure.type). */
export const ERROR_TYPES = {
  expression: 'ExpressionError',
  plan: 'PlanError',
  notImplemented: 'NotImplemented',
  outputTooLarge: 'OutputTooLarge',
} as const;
