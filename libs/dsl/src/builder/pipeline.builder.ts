import type {
  AggregateSpec,
  ApprovalSpec,
  ApprovalStep,
  Duration,
  FailStep,
  InputStep,
  JoinSpec,
  LoopStep,
  MapStep,
  MergeSpec,
  ParallelStep,
  PipelineDocument,
  PipelineRef,
  PipelineStep,
  RetrySpec,
  ScheduleSpec,
  SetStep,
  Step,
  StepCommon,
  SwitchCase,
  SwitchStep,
  TimeoutSpec,
  UsesStep,
  WaitStep,
} from '../document/document.types';
import type { Json, JsonObject } from '../plan/plan.types';

/**
 * A typed builder producing exactly the document a YAML author would write:
 *
 * ```ts
 * const doc = pipeline('hello', 1)
 *   .input({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } })
 *   .step(uses('greet', 'core.echo', { message: 'Hello, ${ input.name }!' }))
 *   .output(expr("{ 'greeting': steps.greet.output.message }"))
 *   .build();
 * ```
 *
 * The builder does not validate; pass the result to `compilePipeline` (or `parseDocumentValue`).
 */

/** Common step fields other than `id`. */
export type StepOptions = Omit<StepCommon, 'id'>;

/** Drops `undefined` members so that built objects equal parsed ones exactly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Wraps JSONata source as a `${ }` expression string. */
export function expr(source: string): string {
  return `\${ ${source} }`;
}

export function uses(id: string, activity: string, withValue?: Json, options: StepOptions = {}): UsesStep {
  return compact({ id, ...options, uses: activity, with: withValue });
}

export function parallel(
  id: string,
  branches: Step[][],
  options: StepOptions & { merge?: MergeSpec; join?: JoinSpec } = {},
): ParallelStep {
  const { merge, join, ...common } = options;
  return compact({ id, ...common, parallel: compact({ branches, merge, join }) });
}

export function map(
  id: string,
  items: string | Json[],
  steps: Step[],
  options: StepOptions & { concurrency?: number; batchSize?: number; aggregate?: AggregateSpec } = {},
): MapStep {
  const { concurrency, batchSize, aggregate, ...common } = options;
  return compact({ id, ...common, map: compact({ items, concurrency, batchSize, steps, aggregate }) });
}

export function switchOn(
  id: string,
  cases: SwitchCase[],
  defaultSteps?: Step[],
  options: StepOptions = {},
): SwitchStep {
  return compact({ id, ...options, switch: compact({ cases, default: defaultSteps }) });
}

export function loop(
  id: string,
  condition: ({ while: string; until?: never } | { until: string; while?: never }) & {
    maxIterations?: number;
  },
  steps: Step[],
  options: StepOptions = {},
): LoopStep {
  return compact({ id, ...options, loop: compact({ ...condition, steps }) });
}

export function wait(
  id: string,
  spec: { duration: Duration } | { until: string },
  options: StepOptions = {},
): WaitStep {
  return compact({ id, ...options, wait: { ...spec } });
}

export function subPipeline(
  id: string,
  ref: PipelineRef,
  withValue?: Json,
  options: StepOptions = {},
): PipelineStep {
  return compact({ id, ...options, pipeline: { name: ref.name, version: ref.version }, with: withValue });
}

export function set(id: string, values: JsonObject, options: StepOptions = {}): SetStep {
  return compact({ id, ...options, set: values });
}

export function fail(id: string, message: string, errorType?: string, options: StepOptions = {}): FailStep {
  return compact({ id, ...options, fail: compact({ message, errorType }) });
}

export function approval(id: string, spec: ApprovalSpec, options: StepOptions = {}): ApprovalStep {
  return compact({ id, ...options, approval: compact({ ...spec }) });
}

export function inputStep(id: string, spec: InputStep['input'], options: StepOptions = {}): InputStep {
  return compact({ id, ...options, input: compact({ ...spec }) });
}

export class PipelineBuilder {
  private readonly doc: PipelineDocument;

  constructor(name: string, version: number) {
    this.doc = {
      apiVersion: 'flowgate/v1',
      kind: 'Pipeline',
      metadata: { name, version },
      spec: { steps: [] },
    };
  }

  description(text: string): this {
    this.doc.metadata.description = text;
    return this;
  }

  tags(...tags: string[]): this {
    this.doc.metadata.tags = [...(this.doc.metadata.tags ?? []), ...tags];
    return this;
  }

  /** JSON Schema of the run input. */
  input(schema: JsonObject): this {
    this.doc.spec.input = schema;
    return this;
  }

  defaults(defaults: { retry?: RetrySpec; timeout?: TimeoutSpec }): this {
    this.doc.spec.defaults = compact(defaults);
    return this;
  }

  step(...steps: Step[]): this {
    this.doc.spec.steps.push(...steps);
    return this;
  }

  output(expression: string): this {
    this.doc.spec.output = expression;
    return this;
  }

  schedule(schedule: ScheduleSpec): this {
    this.doc.spec.schedule = compact(schedule);
    return this;
  }

  /** A deep copy of the document built so far. */
  build(): PipelineDocument {
    return structuredClone(this.doc);
  }
}

export function pipeline(name: string, version: number): PipelineBuilder {
  return new PipelineBuilder(name, version);
}
