import type { Json, JsonObject } from '../plan/plan.types';

/**
 * The pipeline document as written by users (YAML, JSON or the TypeScript builder), after schema
 * validation. Nothing is defaulted or normalized here: the compiler does that (see plan.types.ts).
 */

/** Milliseconds, or a string such as `500ms`, `30s`, `5m`, `24h`, `1d`, `1h30m`. */
export type Duration = string | number;
/** A string that is exactly one `${ expr }`. */
export type ExpressionString = string;

export const DOCUMENT_API_VERSION = 'flowgate/v1' as const;
export const DOCUMENT_KIND = 'Pipeline' as const;

export interface RetrySpec {
  maxAttempts?: number;
  initialInterval?: Duration;
  backoffCoefficient?: number;
  maxInterval?: Duration;
  nonRetryable?: string[];
}

export interface TimeoutSpec {
  startToClose?: Duration;
  scheduleToClose?: Duration;
  heartbeat?: Duration;
}

export type OnError = 'fail' | 'continue' | 'compensate';

export interface StepCommon {
  id: string;
  needs?: string[];
  when?: ExpressionString;
  retry?: RetrySpec;
  timeout?: TimeoutSpec;
  onError?: OnError;
  compensate?: Step[];
  output?: ExpressionString;
  tags?: string[];
  description?: string;
}

export interface UsesStep extends StepCommon {
  uses: string;
  with?: Json;
}

export type MergeSpec = 'deep' | 'shallow' | 'append' | 'collect' | 'first';
export type JoinSpec = 'all' | 'any' | 'first' | { atLeast: number };

export interface ParallelStep extends StepCommon {
  parallel: { branches: Step[][]; merge?: MergeSpec; join?: JoinSpec };
}

export type AggregateSpec =
  | 'collect'
  | 'vote'
  | { vote: { by: ExpressionString } }
  | { maxBy: ExpressionString }
  | { reduce: ExpressionString; initial?: Json };

export interface MapStep extends StepCommon {
  map: {
    /** An expression yielding an array, or a literal array. */
    items: ExpressionString | Json[];
    concurrency?: number;
    batchSize?: number;
    steps: Step[];
    aggregate?: AggregateSpec;
  };
}

export interface SwitchCase {
  when: ExpressionString;
  steps: Step[];
}

export interface SwitchStep extends StepCommon {
  switch: { cases: SwitchCase[]; default?: Step[] };
}

export interface LoopStep extends StepCommon {
  loop: { while?: ExpressionString; until?: ExpressionString; maxIterations?: number; steps: Step[] };
}

export interface WaitStep extends StepCommon {
  /** Exactly one of `duration` and `until` (an expression or an ISO-8601 timestamp). */
  wait: { duration?: Duration; until?: string };
}

export interface PipelineRef {
  name: string;
  version: number;
}

export interface PipelineStep extends StepCommon {
  pipeline: PipelineRef;
  with?: Json;
}

export interface SetStep extends StepCommon {
  set: JsonObject;
}

export interface FailStep extends StepCommon {
  fail: { message: string; errorType?: string };
}

export interface ApproverSet {
  roles?: string[];
  users?: string[];
}

export type ApprovalTimeoutAction = 'approve' | 'reject' | 'fail' | 'escalate';

export interface ApprovalSpec {
  approvers: ApproverSet;
  quorum?: number;
  rejectOnFirst?: boolean;
  timeout?: Duration;
  onTimeout?: ApprovalTimeoutAction;
  escalation?: {
    approvers: ApproverSet;
    quorum?: number;
    timeout?: Duration;
    onTimeout?: Exclude<ApprovalTimeoutAction, 'escalate'>;
  };
  reminder?: { every: Duration; webhook?: Json };
  message?: Json;
}

export interface ApprovalStep extends StepCommon {
  approval: ApprovalSpec;
}

export interface InputStep extends StepCommon {
  input: { from?: ApproverSet; schema: JsonObject; timeout?: Duration; message?: Json };
}

export type Step =
  | UsesStep
  | ParallelStep
  | MapStep
  | SwitchStep
  | LoopStep
  | WaitStep
  | PipelineStep
  | SetStep
  | FailStep
  | ApprovalStep
  | InputStep;

export type ScheduleOverlap =
  'skip' | 'bufferOne' | 'bufferAll' | 'cancelOther' | 'terminateOther' | 'allowAll';

export interface ScheduleSpec {
  cron: string;
  timezone?: string;
  overlap?: ScheduleOverlap;
  input?: Json;
}

export interface PipelineMetadata {
  name: string;
  version: number;
  tags?: string[];
  description?: string;
}

export interface PipelineSpec {
  input?: JsonObject;
  defaults?: { retry?: RetrySpec; timeout?: TimeoutSpec };
  steps: Step[];
  output?: ExpressionString;
  schedule?: ScheduleSpec;
}

export interface PipelineDocument {
  apiVersion: typeof DOCUMENT_API_VERSION;
  kind: typeof DOCUMENT_KIND;
  metadata: PipelineMetadata;
  spec: PipelineSpec;
}
