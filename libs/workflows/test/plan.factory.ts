import type {
  AggregatePlan,
  FailStepPlan,
  JoinPlan,
  Json,
  LoopStepPlan,
  MapStepPlan,
  MergeStrategy,
  ParallelStepPlan,
  PipelinePlan,
  PipelineStepPlan,
  PlanStep,
  PlanStepBase,
  SetStepPlan,
  SwitchCasePlan,
  SwitchStepPlan,
  Template,
  UsesStepPlan,
  WaitStepPlan,
  ApprovalStepPlan,
  InputStepPlan,
} from '@flowgate/dsl';

/**
 * A small typed factory for hand-built plans (tests do not depend on the DSL compiler).
 * Like the compiler, blocks default each step's `needs` to the previous step; pass `needs: []`
 * for steps that should start at once.
 */

type Common = Partial<Omit<PlanStepBase, 'id' | 'kind' | 'path'>>;

const DEFAULT_RETRY = {
  maxAttempts: 1,
  initialIntervalMs: 50,
  backoffCoefficient: 1,
  maxIntervalMs: 50,
  nonRetryable: [],
};
const DEFAULT_TIMEOUT = { startToCloseMs: 10_000 };
const UNSET = '__unset__';

function base<K extends PlanStep['kind']>(id: string, kind: K, o: Common) {
  return {
    id,
    path: id,
    kind,
    needs: o.needs ?? [UNSET],
    retry: { ...DEFAULT_RETRY, ...(o.retry ?? {}) },
    timeout: { ...DEFAULT_TIMEOUT, ...(o.timeout ?? {}) },
    onError: o.onError ?? 'fail',
    tags: o.tags ?? [],
    ...(o.when !== undefined ? { when: o.when } : {}),
    ...(o.output !== undefined ? { output: o.output } : {}),
    ...(o.compensate !== undefined ? { compensate: seq(o.compensate) } : {}),
  };
}

/** Fills unset `needs` with the previous step (sequential by default). */
export function seq(steps: PlanStep[]): PlanStep[] {
  return steps.map((s, i) => {
    if (s.needs.length === 1 && s.needs[0] === UNSET) {
      const prev = steps[i - 1];
      return { ...s, needs: prev ? [prev.id] : [] };
    }
    return s;
  });
}

export const uses = (id: string, activity: string, withT: Template = {}, o: Common = {}): UsesStepPlan => ({
  ...base(id, 'uses', o),
  uses: activity,
  with: withT,
});

export const set = (id: string, values: Template, o: Common = {}): SetStepPlan => ({
  ...base(id, 'set', o),
  values,
});

export const fail = (id: string, message: Template, errorType = 'Boom', o: Common = {}): FailStepPlan => ({
  ...base(id, 'fail', o),
  message,
  errorType,
});

export const parallel = (
  id: string,
  branches: PlanStep[][],
  o: Common & { merge?: MergeStrategy; join?: JoinPlan } = {},
): ParallelStepPlan => ({
  ...base(id, 'parallel', o),
  branches: branches.map(seq),
  merge: o.merge ?? 'collect',
  join: o.join ?? { mode: 'all' },
});

export const map = (
  id: string,
  items: string,
  steps: PlanStep[],
  o: Common & { concurrency?: number; batchSize?: number; aggregate?: AggregatePlan } = {},
): MapStepPlan => ({
  ...base(id, 'map', o),
  items,
  steps: seq(steps),
  concurrency: o.concurrency ?? 10,
  batchSize: o.batchSize ?? 100,
  aggregate: o.aggregate ?? { mode: 'collect' },
});

export const switchStep = (
  id: string,
  cases: SwitchCasePlan[],
  dflt?: PlanStep[],
  o: Common = {},
): SwitchStepPlan => ({
  ...base(id, 'switch', o),
  cases: cases.map((c) => ({ ...c, steps: seq(c.steps) })),
  ...(dflt ? { default: seq(dflt) } : {}),
});

export const loop = (
  id: string,
  steps: PlanStep[],
  o: Common & { while?: string; until?: string; maxIterations?: number } = {},
): LoopStepPlan => ({
  ...base(id, 'loop', o),
  steps: seq(steps),
  maxIterations: o.maxIterations ?? 100,
  ...(o.while !== undefined ? { while: o.while } : {}),
  ...(o.until !== undefined ? { until: o.until } : {}),
});

export const wait = (id: string, o: Common & { durationMs?: number; until?: string } = {}): WaitStepPlan => ({
  ...base(id, 'wait', o),
  ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
  ...(o.until !== undefined ? { until: o.until } : {}),
});

export const sub = (id: string, child: PipelinePlan, input: Template, o: Common = {}): PipelineStepPlan => ({
  ...base(id, 'pipeline', o),
  pipeline: { name: child.pipeline.name, version: child.pipeline.version },
  plan: child,
  input,
});

type ApprovalFields = Partial<
  Pick<
    ApprovalStepPlan,
    | 'approvers'
    | 'quorum'
    | 'rejectOnFirst'
    | 'timeoutMs'
    | 'onTimeout'
    | 'escalation'
    | 'reminder'
    | 'message'
  >
>;

export const approval = (id: string, o: Common & ApprovalFields = {}): ApprovalStepPlan => {
  const { approvers, quorum, rejectOnFirst, timeoutMs, onTimeout, escalation, reminder, message, ...common } =
    o;
  return {
    ...base(id, 'approval', common),
    approvers: approvers ?? { roles: ['lead'], users: [] },
    quorum: quorum ?? 1,
    rejectOnFirst: rejectOnFirst ?? true,
    onTimeout: onTimeout ?? 'reject',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(escalation !== undefined ? { escalation } : {}),
    ...(reminder !== undefined ? { reminder } : {}),
    ...(message !== undefined ? { message } : {}),
  };
};

export const inputStep = (
  id: string,
  schema: InputStepPlan['schema'],
  o: Common & Partial<Pick<InputStepPlan, 'from' | 'timeoutMs' | 'message'>> = {},
): InputStepPlan => {
  const { from, timeoutMs, message, ...common } = o;
  return {
    ...base(id, 'input', common),
    from: from ?? { roles: [], users: [] },
    schema,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(message !== undefined ? { message } : {}),
  };
};

export function plan(
  steps: PlanStep[],
  o: { name?: string; version?: number; output?: string } = {},
): PipelinePlan {
  return {
    apiVersion: 'flowgate/v1',
    pipeline: { name: o.name ?? 'test', version: o.version ?? 1, tags: [] },
    digest: '0'.repeat(64),
    steps: seq(steps),
    ...(o.output !== undefined ? { output: o.output } : {}),
    activities: [],
  };
}

export type { Json };
