import jsonata from 'jsonata';
import { stripExpression } from '../util/expression';

type Compiled = ReturnType<typeof jsonata>;
const compiled = new Map<string, Compiled>();
const MAX_CACHE = 2_000;

function compile(source: string): Compiled {
  let expr = compiled.get(source);
  if (!expr) {
    expr = jsonata(stripExpression(source));
    if (compiled.size >= MAX_CACHE) compiled.clear();
    compiled.set(source, expr);
  }
  return expr;
}

/** JSONata truthiness for conditions: undefined, null, false, 0, '' and [] are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

export type ConditionResult = { ok: true; value: boolean } | { ok: false; error: string };

/** Evaluates a rule's `when` against its context (compiled once per source text). */
export async function evaluateCondition(source: string, context: unknown): Promise<ConditionResult> {
  try {
    return { ok: true, value: truthy(await compile(source).evaluate(context)) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Evaluates an expression to a value; undefined when it fails or yields nothing. */
export async function evaluateValue(source: string, context: unknown): Promise<unknown> {
  try {
    return await compile(source).evaluate(context);
  } catch {
    return undefined;
  }
}
