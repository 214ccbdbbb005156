import type { Json, MapStepPlan, PipelinePlan, PlanStep } from '@flowgate/dsl';

/** Metadata about a run, fixed at submission and available to expressions as `run`. */
export interface RunMeta {
  /** The Flowgate run id (= the Temporal workflow id). */
  id: string;
  tenant: string;
  submittedBy: string;
  /** ISO-8601 submission time. */
  submittedAt: string;
  /** For child runs: the parent run id and the step path that started it. */
  parent?: { runId: string; stepPath: string };
}

/** Input of the runPipeline workflow: a pinned plan, the run input and run metadata. */
export interface RunPipelineInput {
  plan: PipelinePlan;
  input: Json;
  run: RunMeta;
  /** Set only by the interpreter itself when it continues-as-new; never by callers. */
  resume?: ResumeState;
  /** Tuning knobs (tests, benchmarks). Defaults are in `wire/limits.ts`. */
  limits?: Partial<InterpreterLimits>;
}

export type RunStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus =
  'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'compensated';

/** Result of runPipeline. */
export interface RunPipelineResult {
  output: Json;
}

/** Item counters of a map step (progress keeps per-item detail only for the first items). */
export interface MapItemsProgress {
  total: number;
  succeeded: number;
  failed: number;
  /** Items run in child workflows (`runMapBatch`); query those children for their detail. */
  batched: number;
}

/** One node of the live run tree returned by the progress query. */
export interface StepProgress {
  path: string;
  id: string;
  kind: string;
  status: StepStatus;
  /**
   * Activity attempts. Temporal reports attempts to the workflow only partially: this is 1 for
   * an executed step and becomes the final attempt count only when an activity fails with its
   * retries exhausted (a success after retries still shows 1).
   */
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** JSON of the output, truncated to a bounded preview. */
  outputPreview?: string;
  error?: { type: string; message: string };
  /** Map steps: item counters. */
  items?: MapItemsProgress;
  /** Loop steps: iterations completed (only the latest iteration's body steps are listed). */
  iterations?: number;
  /** Steps whose children run as child workflows: their workflow ids. */
  children?: string[];
}

export interface RunProgress {
  runId: string;
  pipeline: { name: string; version: number };
  status: RunStatus;
  steps: StepProgress[];
  /** Entries left out to keep the answer bounded (e.g. map items beyond the detail limit). */
  omitted?: number;
}

/** The record of a finished step as expressions see it: `steps.<id>`. */
export interface StepRecord {
  output: Json;
  status: 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'compensated';
  error?: { type: string; message: string };
}

/** A registered saga compensation (serializable: it crosses continue-as-new and child results). */
export interface CompensationEntry {
  /** Runtime path of the step that registered it. */
  stepPath: string;
  stepId: string;
  steps: PlanStep[];
  /** The scope the step ran in, plus the step's own record, for the compensation's expressions. */
  visible: Record<string, StepRecord>;
  item?: Json;
  index?: number;
}

/** State carried across continue-as-new of runPipeline (a long top-level loop). */
export interface ResumeState {
  /** Finished top-level steps. */
  steps: Record<string, StepRecord>;
  loop: {
    stepId: string;
    iteration: number;
    previous: Record<string, StepRecord>;
    last: Json;
  };
  compensations: CompensationEntry[];
  progress: StepProgress[];
  /** How many executions of this run came before (1 after the first continue-as-new). */
  generation: number;
}

/** Tuning limits of the interpreter (see DEFAULT_LIMITS). */
export interface InterpreterLimits {
  /** Continue-as-new (long loops, map batches) once an execution's history reaches this many events. */
  continueAsNewAfterEvents: number;
  /** Maximum concurrently running items of an inline map (bounded pending activities). */
  maxInlineConcurrency: number;
  /** Maximum child workflows started by one execution for a map (more items → nested batches). */
  maxBatchChildren: number;
  /** Map items with per-step detail in the progress query; later items are only counted. */
  progressItemDetail: number;
  /**
   * Expression evaluations after which long in-workflow computations (loop iterations,
   * aggregation) yield to Temporal with a 1 ms timer, so that no single workflow activation runs
   * into the worker's isolate execution timeout (JSONata is promise-heavy, and every promise is
   * costly in the sandbox).
   */
  evaluationsPerYield: number;
}

/** Input of the runMapBatch child workflow: a contiguous slice of a map's items. */
export interface RunMapBatchInput {
  map: MapStepPlan;
  /** Runtime path of the map step, e.g. `replies` or `outer[2]/replies`. */
  mapPath: string;
  items: Json[];
  /** Index of `items[0]` in the whole map. */
  offset: number;
  concurrency: number;
  input: Json;
  run: RunMeta;
  /** Steps visible to item expressions (the map's scope). */
  visible: Record<string, StepRecord>;
  /** Enclosing item/index (a map nested in a map item). */
  outerItem?: Json;
  outerIndex?: number;
  limits?: Partial<InterpreterLimits>;
  /** Outputs of items already done by earlier executions (continue-as-new). */
  done?: Json[];
  compensations?: CompensationEntry[];
}

export interface RunMapBatchResult {
  /** Item outputs, in item order. */
  outputs: Json[];
  /** Compensations registered by the items, for the parent's saga. */
  compensations: CompensationEntry[];
}
