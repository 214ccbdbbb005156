import type { Json, PlanStep, Template } from '@flowgate/dsl';
import type { InterpreterLimits, ResumeState, RunMeta, StepRecord } from '../wire/run.types';
import type { HitlRegistry } from './hitl';
import type { ProgressTracker } from './progress';
import type { Saga } from './saga';

/**
 * The immutable scope a step runs in. Every block (top level, parallel branch, map item, loop
 * iteration, switch case, compensation) gets its own; a step receives a snapshot whose
 * `visible` holds the enclosing scopes' steps plus the siblings finished before it started.
 */
export interface Scope {
  /** Runtime path prefix of the block's steps ('' at top level, e.g. 'replies[3]/'). */
  readonly prefix: string;
  readonly visible: Readonly<Record<string, StepRecord>>;
  readonly item?: Json;
  readonly index?: number;
  /** The run's top-level block (the only place a loop may continue-as-new). */
  readonly topLevel: boolean;
  /** Whether steps of this block get their own progress entries (false for map items past the detail limit). */
  readonly detail: boolean;
}

/** What a block produced: every step's record and the output of its last step (plan order). */
export interface BlockOutcome {
  results: Record<string, StepRecord>;
  last: Json;
}

/** The expression context: `{ input, steps, item, index, run }` plus extras (`result`, `output`, `acc`). */
export interface ExprContext {
  input: Json;
  steps: Readonly<Record<string, StepRecord>>;
  item: Json;
  index: Json;
  run: RunMeta;
  [extra: string]: unknown;
}

/** Services a step handler may use. One per workflow execution. */
export interface Runtime {
  readonly input: Json;
  readonly run: RunMeta;
  readonly limits: InterpreterLimits;
  /** Limit overrides as received (passed on to children). */
  readonly limitOverrides: Partial<InterpreterLimits> | undefined;
  readonly progress: ProgressTracker;
  readonly saga: Saga;
  /** Open approval/input requests of this execution (signals, updates, pending query). */
  readonly hitl: HitlRegistry;
  runBlock(steps: readonly PlanStep[], scope: Scope): Promise<BlockOutcome>;
  context(scope: Scope, extra?: Record<string, Json>): ExprContext;
  evaluate(expr: string, ctx: ExprContext, stepPath: string, field: string): Promise<Json>;
  template(template: Template, ctx: ExprContext, stepPath: string, field: string): Promise<Json>;
  /**
   * The same value as `template`, synchronously, when every expression in it is a plain dotted
   * path; `undefined` otherwise (then use `template`). No promise: the sandbox records a stack
   * trace for each one, which dominates the cost of large maps.
   */
  templateNow(template: Template, ctx: ExprContext): { value: Json } | undefined;
  /** Yields to Temporal (1 ms timer) when many expressions were evaluated since the last yield. */
  yieldIfBusy(): Promise<void>;
  /** Loop state saved by an earlier execution for the top-level loop `stepId` (consumed once). */
  takeResumedLoop(stepId: string): ResumeState['loop'] | undefined;
  /**
   * Continue-as-new from inside the top-level loop if history is long and the loop is the only
   * running step. Throws ContinueAsNew when it does; resolves when it does not.
   */
  maybeContinueAsNew(loop: ResumeState['loop']): Promise<void>;
}
