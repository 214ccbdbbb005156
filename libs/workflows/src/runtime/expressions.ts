import jsonata from 'jsonata';
import { ApplicationFailure } from '@temporalio/common';
import { inWorkflowContext, patched } from '@temporalio/workflow';
import type { Json, Template } from '@flowgate/dsl';
import { soleExpression, splitTemplate } from '@flowgate/dsl/dist/expressions/template';
import { resolveSimplePath, simplePathSegments } from '../decisions/simple-path.decision';
import { interpolate, toJson } from '../decisions/values.decision';
import { ERROR_TYPES } from '../wire/names';
import type { ExprContext } from './runtime.types';

/**
 * JSONata evaluation inside the workflow. Deterministic in Temporal's sandbox: `$now()` reads
 * workflow time and `$random()` the seeded generator. Compiled expressions are cached per source.
 */

const compiled = new Map<string, jsonata.Expression>();

/** Patch id of the direct evaluation of plain dotted paths. */
export const SIMPLE_PATH_PATCH = 'expressions-simple-path';

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { message: string; position?: number; token?: string };
    return e.position !== undefined ? `${e.message} (at position ${e.position})` : e.message;
  }
  return String(err);
}

export function expressionError(
  stepPath: string,
  field: string,
  expr: string,
  reason: string,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: ERROR_TYPES.expression,
    message: `step '${stepPath}': ${field} expression \`${expr}\` failed: ${reason}`,
    nonRetryable: true,
    details: [{ stepPath, field, expression: expr }],
  });
}

function compile(expr: string, stepPath: string, field: string): jsonata.Expression {
  let e = compiled.get(expr);
  if (!e) {
    try {
      e = jsonata(expr);
    } catch (err) {
      throw expressionError(stepPath, field, expr, describe(err));
    }
    compiled.set(expr, e);
  }
  return e;
}

/** Evaluates one JSONata expression; any error becomes a non-retryable ExpressionError naming the step. */
export async function evaluate(
  expr: string,
  ctx: ExprContext,
  stepPath: string,
  field: string,
): Promise<Json> {
  // Behind a patch: the direct path settles in fewer microtask turns than JSONata, which could
  // reorder the commands of concurrent branches in histories recorded before it existed.
  const segments = simplePathSegments(expr);
  if (segments && (!inWorkflowContext() || patched(SIMPLE_PATH_PATCH))) {
    const direct = resolveSimplePath(segments, ctx);
    if (direct) return toJson(direct.value);
  }
  const e = compile(expr, stepPath, field);
  try {
    return toJson(await e.evaluate(ctx));
  } catch (err) {
    throw expressionError(stepPath, field, expr, describe(err));
  }
}

/** Marker of a template the synchronous evaluation leaves to the general (JSONata) one. */
export const NOT_SIMPLE: unique symbol = Symbol('not simple');

/**
 * Synchronous evaluation of a template whose expressions are all plain dotted paths (the usual
 * `with: { text: "${ steps.a.output.text }" }`): no promise per node, which matters because the
 * workflow sandbox records a stack trace for every promise. Returns NOT_SIMPLE to defer to the
 * general (JSONata) evaluation; results are identical to it.
 */
export function simpleTemplate(template: Template, ctx: ExprContext): Json | typeof NOT_SIMPLE {
  if (typeof template === 'string') {
    if (!template.includes('${')) return template;
    const resolve = (expr: string): Json | typeof NOT_SIMPLE => {
      const segments = simplePathSegments(expr);
      const direct = segments ? resolveSimplePath(segments, ctx) : undefined;
      return direct ? toJson(direct.value) : NOT_SIMPLE;
    };
    try {
      // Same rules as the general path: a sole `${ }` (after trimming) keeps the value's type.
      const sole = soleExpression(template);
      if (sole !== undefined) return resolve(sole);
      let out = '';
      for (const part of splitTemplate(template)) {
        if (part.kind === 'text') {
          out += part.text;
          continue;
        }
        const value = resolve(part.expr);
        if (value === NOT_SIMPLE) return NOT_SIMPLE;
        out += interpolate(value);
      }
      return out;
    } catch {
      return NOT_SIMPLE;
    }
  }
  if (Array.isArray(template)) {
    const out: Json[] = [];
    for (const item of template) {
      const v = simpleTemplate(item ?? null, ctx);
      if (v === NOT_SIMPLE) return NOT_SIMPLE;
      out.push(v);
    }
    return out;
  }
  if (template !== null && typeof template === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(template)) {
      const value = simpleTemplate(v, ctx);
      if (value === NOT_SIMPLE) return NOT_SIMPLE;
      out[k] = value;
    }
    return out;
  }
  return template;
}

/** Evaluates a template: every string with `${ }` parts, recursively through arrays and objects. */
export async function evaluateTemplate(
  template: Template,
  ctx: ExprContext,
  stepPath: string,
  field: string,
): Promise<Json> {
  if (!inWorkflowContext() || patched(SIMPLE_PATH_PATCH)) {
    const simple = simpleTemplate(template, ctx);
    if (simple !== NOT_SIMPLE) return simple;
  }
  return evaluateTemplateGeneral(template, ctx, stepPath, field);
}

async function evaluateTemplateGeneral(
  template: Template,
  ctx: ExprContext,
  stepPath: string,
  field: string,
): Promise<Json> {
  if (typeof template === 'string') {
    let parts;
    try {
      const sole = soleExpression(template);
      if (sole !== undefined) return await evaluate(sole, ctx, stepPath, field);
      parts = splitTemplate(template);
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      throw expressionError(stepPath, field, template, describe(err));
    }
    let out = '';
    for (const part of parts) {
      out += part.kind === 'text' ? part.text : interpolate(await evaluate(part.expr, ctx, stepPath, field));
    }
    return out;
  }
  if (Array.isArray(template)) {
    const out: Json[] = [];
    for (let i = 0; i < template.length; i++) {
      out.push(await evaluateTemplateGeneral(template[i] ?? null, ctx, stepPath, `${field}[${i}]`));
    }
    return out;
  }
  if (template !== null && typeof template === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(template)) {
      out[k] = await evaluateTemplateGeneral(v, ctx, stepPath, `${field}.${k}`);
    }
    return out;
  }
  return template;
}
