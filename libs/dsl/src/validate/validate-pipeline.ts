import type { Ajv } from 'ajv';
import type { PipelineDocument, Step } from '../document/document.types';
import { durationMs } from '../document/duration';
import { childLists, kinded, assertNever } from '../document/step-kind';
import { effectiveNeeds, type StepScope, type StepVisit, walkSteps } from '../document/walk-steps';
import { resolveRetry } from '../compile/defaults';
import { analyzeTemplate, containsExpression } from '../expressions/expression';
import { soleExpression } from '../expressions/template';
import type { Json, PipelinePlan } from '../plan/plan.types';
import { formatPath, type DocPath, type PathSegment, type Problem, sortProblems } from '../parse/problem';
import { NO_SOURCE, type SourceMap } from '../parse/source-map';
import { didYouMean } from '../util/suggest';
import { compileSchema, instanceIssues, withAjv } from './json-schema-check';

export interface ActivityInfo {
  name: string;
  description?: string;
  inputSchema?: object;
  outputSchema?: object;
}

/** Known activities by name. */
export type ActivityCatalog = ReadonlyMap<string, ActivityInfo>;

export interface ValidateContext {
  catalog: ActivityCatalog;
  /** Compiled plans of the sub-pipelines this document may call, keyed `name@version`. */
  subPlans?: ReadonlyMap<string, PipelinePlan>;
  /** Positions for problems (from `parsePipelineText`). */
  source?: SourceMap;
}

export function pipelineKey(ref: { name: string; version: number }): string {
  return `${ref.name}@${ref.version}`;
}

/** When an expression field is evaluated: before the step runs, or (loop conditions) with the body's results visible. */
type Phase = 'before' | 'after';

interface ExpressionField {
  /** Document path of the field, relative to the step. */
  at: PathSegment[];
  value: Json;
  phase: Phase;
  /** The field must be exactly one `${ }` expression (not a template). */
  single: boolean;
}

/** Every field of a step that may hold expressions. */
function expressionFields(step: Step): ExpressionField[] {
  const fields: ExpressionField[] = [];
  const add = (at: PathSegment[], value: Json | undefined, phase: Phase = 'before'): void => {
    if (value !== undefined) fields.push({ at, value, phase, single: false });
  };
  const expr = (at: PathSegment[], value: string | undefined, phase: Phase = 'before'): void => {
    if (value !== undefined) fields.push({ at, value, phase, single: true });
  };
  expr(['when'], step.when);
  expr(['output'], step.output);
  const k = kinded(step);
  switch (k.kind) {
    case 'uses':
      add(['with'], k.step.with);
      break;
    case 'pipeline':
      add(['with'], k.step.with);
      break;
    case 'parallel':
      break;
    case 'map': {
      const m = k.step.map;
      if (typeof m.items === 'string') expr(['map', 'items'], m.items);
      const agg = m.aggregate;
      if (agg !== undefined && typeof agg === 'object') {
        if ('vote' in agg) expr(['map', 'aggregate', 'vote', 'by'], agg.vote.by);
        else if ('maxBy' in agg) expr(['map', 'aggregate', 'maxBy'], agg.maxBy);
        else expr(['map', 'aggregate', 'reduce'], agg.reduce);
      }
      break;
    }
    case 'switch':
      k.step.switch.cases.forEach((c, i) => expr(['switch', 'cases', i, 'when'], c.when));
      break;
    case 'loop':
      expr(['loop', 'while'], k.step.loop.while, 'after');
      expr(['loop', 'until'], k.step.loop.until, 'after');
      break;
    case 'wait':
      if (k.step.wait.until?.trim().startsWith('${')) expr(['wait', 'until'], k.step.wait.until);
      break;
    case 'set':
      add(['set'], k.step.set);
      break;
    case 'fail':
      add(['fail', 'message'], k.step.fail.message);
      break;
    case 'approval':
      add(['approval', 'message'], k.step.approval.message);
      add(['approval', 'reminder', 'webhook'], k.step.approval.reminder?.webhook);
      break;
    case 'input':
      add(['input', 'message'], k.step.input.message);
      break;
    default:
      assertNever(k, 'step kind');
  }
  return fields;
}

/** Ids of the body steps of a loop (visible to its while/until as the last iteration's results). */
function bodySteps(step: Step, out: Set<string>): void {
  for (const list of childLists(step)) for (const child of list.steps) out.add(child.id);
}

/** Transitive effective needs of `steps[index]` within its list. */
function upstreamInList(steps: readonly Step[], index: number): Step[] {
  const needs = effectiveNeeds(steps);
  const byId = new Map(steps.map((s, i) => [s.id, i]));
  const seen = new Set<number>();
  const stack = [...(needs[index] ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    const i = byId.get(id);
    if (i === undefined || seen.has(i) || i === index) continue;
    seen.add(i);
    stack.push(...(needs[i] ?? []));
  }
  return [...seen].map((i) => steps[i] as Step);
}

/** Ids guaranteed to have finished when `v` starts (its upstream, and its enclosing steps' upstream). */
function visibleBefore(v: StepVisit): Set<string> {
  const out = new Set<string>();
  let cur: StepVisit | undefined = v;
  while (cur) {
    for (const s of upstreamInList(cur.scope.steps, cur.index)) out.add(s.id);
    const scope: StepScope = cur.scope;
    // A compensation runs after its step, and sees it.
    if (scope.role === 'compensate' && scope.owner) out.add(scope.owner.step.id);
    cur = scope.owner;
  }
  return out;
}

/** Tarjan's strongly connected components; returns components that are cycles, in document order. */
function findCycles(steps: readonly Step[]): string[][] {
  const needs = effectiveNeeds(steps);
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const order: number[] = new Array<number>(steps.length).fill(-1);
  const low: number[] = new Array<number>(steps.length).fill(0);
  const onStack: boolean[] = new Array<boolean>(steps.length).fill(false);
  const stack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;
  const strong = (v: number): void => {
    order[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    for (const id of needs[v] ?? []) {
      const w = index.get(id);
      if (w === undefined) continue;
      if (order[w] === -1) {
        strong(w);
        low[v] = Math.min(low[v] as number, low[w] as number);
      } else if (onStack[w]) {
        low[v] = Math.min(low[v] as number, order[w] as number);
      }
    }
    if (low[v] === order[v]) {
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = false;
        component.push(w);
      } while (w !== v);
      const selfLoop = component.length === 1 && (needs[v] ?? []).includes(steps[v]?.id ?? '');
      if (component.length > 1 || selfLoop) cycles.push(component.sort((a, b) => a - b));
    }
  };
  for (let i = 0; i < steps.length; i++) if (order[i] === -1) strong(i);
  return cycles
    .sort((a, b) => (a[0] as number) - (b[0] as number))
    .map((c) => c.map((i) => steps[i]?.id ?? ''));
}

const STRUCTURAL_KEYWORDS = new Set([
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'propertyNames',
  'dependentRequired',
  'dependencies',
  'minItems',
  'maxItems',
]);

function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => String(seg) === String(path[i]));
}

function expressionPositions(
  value: Json,
  at: PathSegment[] = [],
  out: PathSegment[][] = [],
): PathSegment[][] {
  if (typeof value === 'string') {
    if (containsExpression(value)) out.push(at);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expressionPositions(v, [...at, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) expressionPositions(v, [...at, k], out);
  }
  return out;
}

const CRON_MACROS = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
const CRON_EVERY = /^@every\s+(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const CRON_FIELD = /^[0-9A-Za-z*?/,\-LW#]+$/;

function cronProblem(cron: string): string | undefined {
  const text = cron.trim();
  if (CRON_MACROS.test(text) || CRON_EVERY.test(text)) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length !== 5)
    return `cron must have 5 fields (minute hour day-of-month month day-of-week) or be a macro such as @daily; got ${fields.length} field(s)`;
  const bad = fields.find((f) => !CRON_FIELD.test(f));
  return bad ? `invalid cron field '${bad}'` : undefined;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Semantic validation of a schema-valid document. Reports every problem at once (errors and
 * warnings), sorted by position. Never throws for bad documents.
 */
export function validatePipeline(doc: PipelineDocument, ctx: ValidateContext): Problem[] {
  return withAjv((ajv) => validateWith(ajv, doc, ctx));
}

function validateWith(sharedAjv: Ajv, doc: PipelineDocument, ctx: ValidateContext): Problem[] {
  const source = ctx.source ?? NO_SOURCE;
  const problems: Problem[] = [];
  const report = (
    code: string,
    path: DocPath,
    message: string,
    severity: Problem['severity'] = 'error',
    target: 'value' | 'key' = 'value',
  ): void => {
    const pos = source.locate(path, target);
    problems.push({ code, message, path: formatPath(path), severity, ...(pos ?? {}) });
  };
  const getAjv = (): Ajv => sharedAjv;

  // Index every step.
  const visits: StepVisit[] = [];
  walkSteps(doc, (v) => visits.push(v));
  const firstById = new Map<string, StepVisit>();
  for (const v of visits) {
    const first = firstById.get(v.step.id);
    if (first) {
      report(
        'duplicate-step-id',
        [...v.docPath, 'id'],
        `duplicate step id '${v.step.id}' (first defined at ${formatPath(first.docPath)}); step ids must be unique in the whole document`,
      );
    } else {
      firstById.set(v.step.id, v);
    }
  }
  const allIds = new Set(firstById.keys());

  // needs and cycles, per step list.
  const scopes = new Set<StepScope>(visits.map((v) => v.scope));
  for (const scope of scopes) {
    const siblingIds = new Set(scope.steps.map((s) => s.id));
    scope.steps.forEach((step, i) => {
      (step.needs ?? []).forEach((id, j) => {
        if (siblingIds.has(id)) return;
        const path = [...scope.docPath, i, 'needs', j];
        if (allIds.has(id)) {
          report(
            'unknown-step-reference',
            path,
            `needs '${id}', which is not a sibling of '${step.id}': needs may only name steps of the same list`,
          );
        } else {
          report('unknown-step-reference', path, `needs unknown step '${id}'${didYouMean(id, siblingIds)}`);
        }
      });
    });
    // With duplicate ids in the list, edges are ambiguous; the duplicate is reported already.
    const cycles = siblingIds.size === scope.steps.length ? findCycles(scope.steps) : [];
    for (const cycle of cycles) {
      const first = scope.steps.findIndex((s) => s.id === cycle[0]);
      const path = [...scope.docPath, first, scope.steps[first]?.needs ? 'needs' : 'id'];
      report('cycle', path, `needs form a cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
    }
  }

  // Expressions and step references.
  const checkFields = (
    fields: readonly { at: DocPath; value: Json; single: boolean; visible: () => Set<string> }[],
    ownerLabel: string,
  ): void => {
    for (const field of fields) {
      const { expressions, issues } = analyzeTemplate(field.value);
      for (const issue of issues) report('invalid-expression', [...field.at, ...issue.path], issue.message);
      if (
        field.single &&
        issues.length === 0 &&
        typeof field.value === 'string' &&
        soleExpression(field.value) === undefined
      ) {
        report(
          'invalid-expression',
          field.at,
          'must be exactly one ${ } expression, not text around or between expressions',
        );
      }
      let visible: Set<string> | undefined;
      for (const e of expressions) {
        for (const ref of e.stepRefs) {
          const at = [...field.at, ...e.path];
          if (!allIds.has(ref)) {
            report(
              'unknown-step-reference',
              at,
              `expression reads steps.${ref}, but there is no step '${ref}'${didYouMean(ref, allIds)}`,
            );
            continue;
          }
          visible ??= field.visible();
          if (!visible.has(ref)) {
            report(
              'reference-not-upstream',
              at,
              `expression reads steps.${ref}, which is not guaranteed to have finished when ${ownerLabel} evaluates it (add it to needs, directly or through an upstream step)`,
              'warning',
            );
          }
        }
      }
    }
  };
  for (const v of visits) {
    const fields = expressionFields(v.step).map((f) => ({
      at: [...v.docPath, ...f.at],
      value: f.value,
      single: f.single,
      visible: () => {
        const set = visibleBefore(v);
        if (f.phase === 'after') bodySteps(v.step, set);
        return set;
      },
    }));
    checkFields(fields, `step '${v.step.id}'`);
  }
  if (doc.spec.output !== undefined) {
    checkFields(
      [
        {
          at: ['spec', 'output'],
          value: doc.spec.output,
          single: true,
          visible: () => {
            return new Set(doc.spec.steps.map((s) => s.id));
          },
        },
      ],
      'the pipeline output',
    );
  }

  // JSON Schemas: run input and input steps.
  let inputValidate: ReturnType<typeof compileSchema> | undefined;
  if (doc.spec.input !== undefined) {
    inputValidate = compileSchema(getAjv(), doc.spec.input);
    if (!inputValidate.ok)
      report(
        'invalid-input-schema',
        ['spec', 'input'],
        `input is not a valid JSON Schema: ${inputValidate.message}`,
      );
  }

  // Step-kind specific checks.
  const activitySchemas = new Map<string, ReturnType<typeof compileSchema>>();
  const checkStaticInput = (
    code: string,
    value: Json,
    schemaCheck: ReturnType<typeof compileSchema>,
    at: DocPath,
    what: string,
  ): void => {
    if (!schemaCheck.ok) return;
    const exprAt = expressionPositions(value);
    schemaCheck.validate(value);
    for (const issue of instanceIssues(schemaCheck.validate.errors, value)) {
      const structural = STRUCTURAL_KEYWORDS.has(issue.keyword);
      const dynamic = exprAt.some((p) => isPrefix(p, issue.path) || (!structural && isPrefix(issue.path, p)));
      if (dynamic) continue;
      const where = issue.path.length > 0 ? formatPath(issue.path) : 'the input';
      const target = issue.keyword === 'additionalProperties' ? 'key' : 'value';
      report(code, [...at, ...issue.path], `${where} ${issue.message} (${what})`, 'error', target);
    }
  };

  for (const v of visits) {
    const k = kinded(v.step);
    switch (k.kind) {
      case 'uses': {
        const name = k.step.uses;
        const info = ctx.catalog.get(name);
        if (!info) {
          report(
            'unknown-activity',
            [...v.docPath, 'uses'],
            `unknown activity '${name}'${didYouMean(name, ctx.catalog.keys())}`,
          );
          break;
        }
        if (info.inputSchema) {
          let compiled = activitySchemas.get(name);
          if (!compiled) {
            compiled = compileSchema(getAjv(), info.inputSchema);
            activitySchemas.set(name, compiled);
          }
          const withPath = k.step.with !== undefined ? [...v.docPath, 'with'] : v.docPath;
          checkStaticInput(
            'invalid-activity-input',
            k.step.with ?? {},
            compiled,
            withPath,
            `input of activity ${name}`,
          );
        }
        break;
      }
      case 'pipeline': {
        const ref = k.step.pipeline;
        const plan = ctx.subPlans?.get(pipelineKey(ref));
        if (!plan) {
          report('unknown-pipeline', [...v.docPath, 'pipeline'], `unknown pipeline '${pipelineKey(ref)}'`);
          break;
        }
        if (plan.inputSchema) {
          const compiled = compileSchema(getAjv(), plan.inputSchema);
          const withPath = k.step.with !== undefined ? [...v.docPath, 'with'] : v.docPath;
          checkStaticInput(
            'invalid-pipeline-input',
            k.step.with ?? {},
            compiled,
            withPath,
            `input of pipeline ${pipelineKey(ref)}`,
          );
        }
        break;
      }
      case 'parallel': {
        const join = k.step.parallel.join;
        const n = k.step.parallel.branches.length;
        if (typeof join === 'object' && join.atLeast > n) {
          report(
            'invalid-join',
            [...v.docPath, 'parallel', 'join', 'atLeast'],
            `join atLeast ${join.atLeast} exceeds the ${n} branch(es)`,
          );
        }
        break;
      }
      case 'approval': {
        const a = k.step.approval;
        const checkQuorum = (
          approvers: typeof a.approvers,
          quorum: number | undefined,
          at: DocPath,
        ): void => {
          const q = quorum ?? 1;
          if ((approvers.roles?.length ?? 0) === 0 && q > (approvers.users?.length ?? 0)) {
            report(
              'invalid-quorum',
              at,
              `quorum ${q} exceeds the ${approvers.users?.length ?? 0} listed user(s)`,
            );
          }
        };
        checkQuorum(a.approvers, a.quorum, [
          ...v.docPath,
          'approval',
          a.quorum !== undefined ? 'quorum' : 'approvers',
        ]);
        if (a.escalation) {
          const e = a.escalation;
          checkQuorum(e.approvers, e.quorum, [
            ...v.docPath,
            'approval',
            'escalation',
            e.quorum !== undefined ? 'quorum' : 'approvers',
          ]);
        }
        break;
      }
      case 'input': {
        const compiled = compileSchema(getAjv(), k.step.input.schema);
        if (!compiled.ok) {
          report(
            'invalid-input-schema',
            [...v.docPath, 'input', 'schema'],
            `schema is not a valid JSON Schema: ${compiled.message}`,
          );
        }
        break;
      }
      case 'map':
      case 'switch':
      case 'loop':
      case 'wait':
      case 'set':
      case 'fail':
        break;
      default:
        assertNever(k, 'step kind');
    }

    // Retry intervals, after defaults (reported on the step only when the step sets an interval).
    const ownRetry = v.step.retry;
    const retry = resolveRetry(doc.spec.defaults?.retry, v.step.retry);
    const setsInterval = ownRetry?.initialInterval !== undefined || ownRetry?.maxInterval !== undefined;
    if (setsInterval && retry.maxIntervalMs < retry.initialIntervalMs) {
      report(
        'invalid-retry',
        [...v.docPath, 'retry'],
        `retry maxInterval (${retry.maxIntervalMs}ms) is shorter than initialInterval (${retry.initialIntervalMs}ms)`,
      );
    }
  }
  const defaultRetry = doc.spec.defaults?.retry;
  if (defaultRetry?.initialInterval !== undefined && defaultRetry.maxInterval !== undefined) {
    if (durationMs(defaultRetry.maxInterval) < durationMs(defaultRetry.initialInterval)) {
      report(
        'invalid-retry',
        ['spec', 'defaults', 'retry', 'maxInterval'],
        'default retry maxInterval is shorter than initialInterval',
      );
    }
  }

  // Schedule.
  const schedule = doc.spec.schedule;
  if (schedule) {
    const cron = cronProblem(schedule.cron);
    if (cron) report('invalid-schedule', ['spec', 'schedule', 'cron'], cron);
    if (schedule.timezone !== undefined && !validTimeZone(schedule.timezone)) {
      report(
        'invalid-schedule',
        ['spec', 'schedule', 'timezone'],
        `unknown time zone '${schedule.timezone}'`,
      );
    }
    if (inputValidate?.ok) {
      checkStaticInput(
        'invalid-schedule',
        schedule.input ?? {},
        inputValidate,
        ['spec', 'schedule', 'input'],
        'scheduled run input',
      );
    }
  }

  return sortProblems(problems);
}
