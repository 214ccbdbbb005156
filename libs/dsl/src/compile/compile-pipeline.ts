import type {
  AggregateSpec,
  ApproverSet,
  JoinSpec,
  PipelineDocument,
  PipelineRef,
  Step,
} from '../document/document.types';
import { durationMs } from '../document/duration';
import { assertNever, joinStepPath, kinded } from '../document/step-kind';
import { effectiveNeeds, walkSteps } from '../document/walk-steps';
import { soleExpression } from '../expressions/template';
import {
  PLAN_API_VERSION,
  type AggregatePlan,
  type ApproverSetPlan,
  type Expr,
  type JoinPlan,
  type PipelinePlan,
  type PlanStep,
  type PlanStepBase,
} from '../plan/plan.types';
import { hasErrors, type Problem } from '../parse/problem';
import { canonicalJson } from '../util/canonical-json';
import { sha256Hex } from '../util/sha256';
import { pipelineKey, validatePipeline, type ActivityCatalog } from '../validate/validate-pipeline';
import { BUILTIN_DEFAULTS, resolveRetry, resolveTimeout } from './defaults';

export interface CompileContext {
  catalog: ActivityCatalog;
  /** Compiled plans of the sub-pipelines the document calls, keyed `name@version` (see collectPipelineRefs). */
  subPlans?: ReadonlyMap<string, PipelinePlan>;
}

/** Thrown by compilePipeline when the document has validation errors. */
export class PipelineCompileError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `pipeline is invalid: ${problems
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('; ')}`,
    );
    this.name = 'PipelineCompileError';
  }
}

/** sha256 hex of the canonical JSON (sorted keys) of the document. */
export function documentDigest(doc: PipelineDocument): string {
  return sha256Hex(canonicalJson(doc));
}

/** Every sub-pipeline the document calls (nested and in compensations), each once, in document order. */
export function collectPipelineRefs(doc: PipelineDocument): PipelineRef[] {
  const refs = new Map<string, PipelineRef>();
  walkSteps(doc, (v) => {
    const k = kinded(v.step);
    if (k.kind === 'pipeline') {
      const { name, version } = k.step.pipeline;
      if (!refs.has(pipelineKey({ name, version })))
        refs.set(pipelineKey({ name, version }), { name, version });
    }
  });
  return [...refs.values()];
}

const expr = (source: string): Expr => {
  const e = soleExpression(source);
  if (e === undefined) throw new Error(`not a single \${ } expression: ${source}`);
  return e;
};

function approvers(set: ApproverSet | undefined): ApproverSetPlan {
  return { roles: [...(set?.roles ?? [])], users: [...(set?.users ?? [])] };
}

function joinPlan(join: JoinSpec | undefined): JoinPlan {
  const j = join ?? BUILTIN_DEFAULTS.parallel.join;
  return typeof j === 'string' ? { mode: j } : { mode: 'atLeast', n: j.atLeast };
}

function aggregatePlan(agg: AggregateSpec | undefined): AggregatePlan {
  const a = agg ?? BUILTIN_DEFAULTS.map.aggregate;
  if (a === 'collect') return { mode: 'collect' };
  if (a === 'vote') return { mode: 'vote' };
  if ('vote' in a) return { mode: 'vote', by: expr(a.vote.by) };
  if ('maxBy' in a) return { mode: 'maxBy', by: expr(a.maxBy) };
  return { mode: 'reduce', reducer: expr(a.reduce), initial: a.initial ?? null };
}

/** Orders a step list topologically, keeping document order among steps that are ready together. */
export function topologicalOrder<T extends { id: string; needs: string[] }>(steps: readonly T[]): T[] {
  const done = new Set<string>();
  const ids = new Set(steps.map((s) => s.id));
  const pending = [...steps];
  const out: T[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((s) => s.needs.every((n) => done.has(n) || !ids.has(n)));
    if (i < 0) throw new Error(`cycle among steps: ${pending.map((s) => s.id).join(', ')}`);
    const [next] = pending.splice(i, 1) as [T];
    out.push(next);
    done.add(next.id);
  }
  return out;
}

interface StepCompiler {
  doc: PipelineDocument;
  subPlan(ref: PipelineRef): PipelinePlan;
}

function compileList(c: StepCompiler, steps: readonly Step[], prefix: string): PlanStep[] {
  const needs = effectiveNeeds(steps);
  return topologicalOrder(steps.map((s, i) => compileStep(c, s, prefix, needs[i] ?? [])));
}

function compileStep(c: StepCompiler, step: Step, prefix: string, needs: string[]): PlanStep {
  const path = joinStepPath(prefix, step.id);
  const defaults = c.doc.spec.defaults;
  const base: Omit<PlanStepBase, 'kind'> = {
    id: step.id,
    path,
    needs,
    retry: resolveRetry(defaults?.retry, step.retry),
    timeout: resolveTimeout(defaults?.timeout, step.timeout),
    onError: step.onError ?? BUILTIN_DEFAULTS.onError,
    tags: [...(step.tags ?? [])],
  };
  if (step.when !== undefined) base.when = expr(step.when);
  if (step.compensate) base.compensate = compileList(c, step.compensate, joinStepPath(path, 'compensate'));
  if (step.output !== undefined) base.output = expr(step.output);
  if (step.description !== undefined) base.description = step.description;

  const k = kinded(step);
  switch (k.kind) {
    case 'uses':
      return { ...base, kind: 'uses', uses: k.step.uses, with: k.step.with ?? {} };
    case 'parallel': {
      const p = k.step.parallel;
      return {
        ...base,
        kind: 'parallel',
        branches: p.branches.map((b, i) => compileList(c, b, joinStepPath(path, `branch[${i}]`))),
        merge: p.merge ?? BUILTIN_DEFAULTS.parallel.merge,
        join: joinPlan(p.join),
      };
    }
    case 'map': {
      const m = k.step.map;
      return {
        ...base,
        kind: 'map',
        // A literal array is JSON, which is also a JSONata array constructor.
        items: typeof m.items === 'string' ? expr(m.items) : JSON.stringify(m.items),
        concurrency: m.concurrency ?? BUILTIN_DEFAULTS.map.concurrency,
        batchSize: m.batchSize ?? BUILTIN_DEFAULTS.map.batchSize,
        steps: compileList(c, m.steps, path),
        aggregate: aggregatePlan(m.aggregate),
      };
    }
    case 'switch': {
      const s = k.step.switch;
      return {
        ...base,
        kind: 'switch',
        cases: s.cases.map((cs, i) => ({
          when: expr(cs.when),
          steps: compileList(c, cs.steps, joinStepPath(path, `case[${i}]`)),
        })),
        ...(s.default ? { default: compileList(c, s.default, joinStepPath(path, 'default')) } : {}),
      };
    }
    case 'loop': {
      const l = k.step.loop;
      return {
        ...base,
        kind: 'loop',
        ...(l.while !== undefined ? { while: expr(l.while) } : {}),
        ...(l.until !== undefined ? { until: expr(l.until) } : {}),
        maxIterations: l.maxIterations ?? BUILTIN_DEFAULTS.loop.maxIterations,
        steps: compileList(c, l.steps, path),
      };
    }
    case 'wait': {
      const w = k.step.wait;
      if (w.duration !== undefined) return { ...base, kind: 'wait', durationMs: durationMs(w.duration) };
      const until = w.until as string;
      // A literal timestamp becomes a JSONata string literal.
      return { ...base, kind: 'wait', until: soleExpression(until) ?? JSON.stringify(until.trim()) };
    }
    case 'pipeline': {
      const ref = k.step.pipeline;
      return {
        ...base,
        kind: 'pipeline',
        pipeline: { name: ref.name, version: ref.version },
        plan: c.subPlan(ref),
        input: k.step.with ?? {},
      };
    }
    case 'set':
      return { ...base, kind: 'set', values: k.step.set };
    case 'fail':
      return {
        ...base,
        kind: 'fail',
        message: k.step.fail.message,
        errorType: k.step.fail.errorType ?? BUILTIN_DEFAULTS.fail.errorType,
      };
    case 'approval': {
      const a = k.step.approval;
      const e = a.escalation;
      return {
        ...base,
        kind: 'approval',
        approvers: approvers(a.approvers),
        quorum: a.quorum ?? BUILTIN_DEFAULTS.approval.quorum,
        rejectOnFirst: a.rejectOnFirst ?? BUILTIN_DEFAULTS.approval.rejectOnFirst,
        ...(a.timeout !== undefined ? { timeoutMs: durationMs(a.timeout) } : {}),
        onTimeout: a.onTimeout ?? BUILTIN_DEFAULTS.approval.onTimeout,
        ...(e
          ? {
              escalation: {
                approvers: approvers(e.approvers),
                quorum: e.quorum ?? BUILTIN_DEFAULTS.approval.quorum,
                ...(e.timeout !== undefined ? { timeoutMs: durationMs(e.timeout) } : {}),
                onTimeout: e.onTimeout ?? BUILTIN_DEFAULTS.approval.escalationOnTimeout,
              },
            }
          : {}),
        ...(a.reminder
          ? {
              reminder: {
                everyMs: durationMs(a.reminder.every),
                ...(a.reminder.webhook !== undefined ? { webhook: a.reminder.webhook } : {}),
              },
            }
          : {}),
        ...(a.message !== undefined ? { message: a.message } : {}),
      };
    }
    case 'input': {
      const i = k.step.input;
      return {
        ...base,
        kind: 'input',
        from: approvers(i.from),
        schema: i.schema,
        ...(i.timeout !== undefined ? { timeoutMs: durationMs(i.timeout) } : {}),
        ...(i.message !== undefined ? { message: i.message } : {}),
      };
    }
    default:
      return assertNever(k, 'step kind');
  }
}

function collectActivities(steps: readonly PlanStep[], out: Set<string>): void {
  for (const s of steps) {
    if (s.compensate) collectActivities(s.compensate, out);
    switch (s.kind) {
      case 'uses':
        out.add(s.uses);
        break;
      case 'parallel':
        for (const b of s.branches) collectActivities(b, out);
        break;
      case 'map':
      case 'loop':
        collectActivities(s.steps, out);
        break;
      case 'switch':
        for (const cs of s.cases) collectActivities(cs.steps, out);
        if (s.default) collectActivities(s.default, out);
        break;
      case 'pipeline':
        for (const a of s.plan.activities) out.add(a);
        break;
      case 'wait':
      case 'set':
      case 'fail':
      case 'approval':
      case 'input':
        break;
      default:
        assertNever(s, 'plan step');
    }
  }
}

/** Compiles a document known to be valid. `subPlan` supplies child plans. */
export function compileValidated(
  doc: PipelineDocument,
  subPlan: (ref: PipelineRef) => PipelinePlan,
): PipelinePlan {
  const steps = compileList({ doc, subPlan }, doc.spec.steps, '');
  const activities = new Set<string>();
  collectActivities(steps, activities);
  const schedule = doc.spec.schedule;
  const plan: PipelinePlan = {
    apiVersion: PLAN_API_VERSION,
    pipeline: {
      name: doc.metadata.name,
      version: doc.metadata.version,
      tags: [...(doc.metadata.tags ?? [])],
    },
    digest: documentDigest(doc),
    ...(doc.spec.input !== undefined ? { inputSchema: doc.spec.input } : {}),
    steps,
    ...(doc.spec.output !== undefined ? { output: expr(doc.spec.output) } : {}),
    activities: [...activities].sort(),
  };
  if (schedule) {
    plan.schedule = {
      cron: schedule.cron,
      timezone: schedule.timezone ?? BUILTIN_DEFAULTS.schedule.timezone,
      overlap: schedule.overlap ?? BUILTIN_DEFAULTS.schedule.overlap,
      input: schedule.input ?? {},
    };
  }
  return plan;
}

/**
 * Validates and compiles a schema-valid document to a plan: defaults resolved, `needs` made
 * explicit, step lists topologically ordered, static paths, activities and digest. Throws
 * PipelineCompileError (with every problem) when validation finds errors.
 */
export function compilePipeline(doc: PipelineDocument, ctx: CompileContext): PipelinePlan {
  const problems = validatePipeline(doc, {
    catalog: ctx.catalog,
    ...(ctx.subPlans ? { subPlans: ctx.subPlans } : {}),
  });
  if (hasErrors(problems)) throw new PipelineCompileError(problems);
  return compileValidated(doc, (ref) => {
    const plan = ctx.subPlans?.get(pipelineKey(ref));
    if (!plan)
      throw new PipelineCompileError([
        {
          code: 'unknown-pipeline',
          message: `unknown pipeline '${pipelineKey(ref)}'`,
          path: '',
          severity: 'error',
        },
      ]);
    return plan;
  });
}
