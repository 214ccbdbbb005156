import { continueAsNew, proxySinks, sleep, workflowInfo } from '@temporalio/workflow';
import type { Json, PlanStep, Template } from '@flowgate/dsl';
import { shouldContinueAsNew } from '../decisions/batch.decision';
import { resolveLimits } from '../wire/limits';
import { PROJECTION_SINK, type ProjectionSinks } from '../wire/projection.types';
import type {
  InterpreterLimits,
  ResumeState,
  RunMeta,
  RunPipelineInput,
  StepRecord,
} from '../wire/run.types';
import { runBlock, type BlockHandle } from './block';
import { evaluate, evaluateTemplate, NOT_SIMPLE, simpleTemplate } from './expressions';
import { ProgressTracker } from './progress';
import { HitlRegistry } from './hitl';
import type { WaitingFor } from '../wire/hitl.types';
import type { BlockOutcome, ExprContext, Runtime, Scope } from './runtime.types';
import { Saga } from './saga';

export interface InterpreterOptions {
  input: Json;
  run: RunMeta;
  pipeline: { name: string; version: number };
  limits?: Partial<InterpreterLimits>;
  resume?: ResumeState;
  /** Builds the input of the next execution on continue-as-new (runPipeline only). */
  continueAsNewInput?: (resume: ResumeState) => RunPipelineInput;
  /** Told when the set of open approval/input requests changes (runPipeline reports the run status). */
  onWaiting?: (waitingFor: WaitingFor[]) => void;
}

/** The per-execution interpreter: owns progress, saga, and the top-level block. */
export class Interpreter implements Runtime {
  readonly input: Json;
  readonly run: RunMeta;
  readonly limits: InterpreterLimits;
  readonly limitOverrides: Partial<InterpreterLimits> | undefined;
  readonly progress: ProgressTracker;
  readonly saga: Saga;
  readonly hitl: HitlRegistry;
  private resumedLoop: ResumeState['loop'] | undefined;
  private topBlock: BlockHandle | undefined;
  private evaluations = 0;
  private evaluationsAtYield = 0;

  constructor(private readonly options: InterpreterOptions) {
    this.input = options.input;
    this.run = options.run;
    this.limitOverrides = options.limits;
    this.limits = resolveLimits(options.limits);
    const projection = proxySinks<ProjectionSinks>()[PROJECTION_SINK];
    const runId = options.run.id;
    this.progress = new ProgressTracker(
      workflowInfo().workflowId,
      options.pipeline,
      options.resume?.progress,
      (entry) => projection.step({ ...entry, runId }),
    );
    this.saga = new Saga(options.resume?.compensations);
    const tenant = options.run.tenant;
    this.hitl = new HitlRegistry((request) => projection.approval({ ...request, tenant }), options.onWaiting);
    this.resumedLoop = options.resume?.loop;
  }

  /** Runs the top-level steps (after continue-as-new: the finished ones are prefilled). */
  runTop(steps: readonly PlanStep[]): Promise<BlockOutcome> {
    return runBlock(steps, { prefix: '', visible: {}, topLevel: true, detail: true }, this, {
      prefilled: this.options.resume?.steps ?? {},
      onHandle: (h) => {
        this.topBlock = h;
      },
    });
  }

  runBlock(steps: readonly PlanStep[], scope: Scope): Promise<BlockOutcome> {
    return runBlock(steps, scope, this);
  }

  context(scope: Scope, extra: Record<string, Json> = {}): ExprContext {
    return {
      input: this.input,
      steps: scope.visible,
      item: scope.item ?? null,
      index: scope.index ?? null,
      run: this.run,
      ...extra,
    };
  }

  evaluate(expr: string, ctx: ExprContext, stepPath: string, field: string): Promise<Json> {
    this.evaluations++;
    return evaluate(expr, ctx, stepPath, field);
  }

  template(template: Template, ctx: ExprContext, stepPath: string, field: string): Promise<Json> {
    this.evaluations++;
    return evaluateTemplate(template, ctx, stepPath, field);
  }

  templateNow(template: Template, ctx: ExprContext): { value: Json } | undefined {
    const value = simpleTemplate(template, ctx);
    if (value === NOT_SIMPLE) return undefined;
    this.evaluations++;
    return { value };
  }

  async yieldIfBusy(): Promise<void> {
    if (this.evaluations - this.evaluationsAtYield < this.limits.evaluationsPerYield) return;
    this.evaluationsAtYield = this.evaluations;
    await sleep(1);
  }

  takeResumedLoop(stepId: string): ResumeState['loop'] | undefined {
    const loop = this.resumedLoop;
    if (!loop || loop.stepId !== stepId) return undefined;
    this.resumedLoop = undefined;
    return loop;
  }

  async maybeContinueAsNew(loop: ResumeState['loop']): Promise<void> {
    const build = this.options.continueAsNewInput;
    if (!build || !this.topBlock || this.topBlock.running() !== 1) return;
    const info = workflowInfo();
    if (
      !shouldContinueAsNew(
        info.historyLength,
        info.continueAsNewSuggested,
        this.limits.continueAsNewAfterEvents,
      )
    ) {
      return;
    }
    const steps: Record<string, StepRecord> = { ...this.topBlock.results };
    const resume: ResumeState = {
      steps,
      loop,
      compensations: this.saga.list(),
      progress: this.progress.list(),
      generation: (this.options.resume?.generation ?? 0) + 1,
    };
    await continueAsNew<(input: RunPipelineInput) => Promise<unknown>>(build(resume));
  }
}

/** Expression context of the pipeline's `output`. */
export function topContext(rt: Interpreter, results: Record<string, StepRecord>): ExprContext {
  return rt.context({ prefix: '', visible: results, topLevel: true, detail: true });
}
