import jsonata from 'jsonata';
import type { Json } from '../plan/plan.types';
import { splitTemplate, TemplateSyntaxError } from './template';

/** The names an expression can read at run time. */
export const EXPRESSION_CONTEXT = ['input', 'steps', 'item', 'index', 'run'] as const;

export type ExpressionCheck =
  { ok: true; stepRefs: string[]; roots: string[] } | { ok: false; message: string; position?: number };

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
  [key: string]: unknown;
}

function walkAst(node: unknown, visit: (n: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walkAst(child, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  visit(node as AstNode);
  for (const value of Object.values(node)) {
    if (value !== null && typeof value === 'object') walkAst(value, visit);
  }
}

/**
 * Parses (never evaluates) a JSONata expression and lists the `steps.<id>` it reads and the root
 * names it starts paths from (`input`, `steps`, ...).
 */
export function checkExpression(expr: string): ExpressionCheck {
  let ast: unknown;
  try {
    ast = jsonata(expr).ast();
  } catch (error) {
    const e = error as { message?: string; position?: number };
    return {
      ok: false,
      message: e.message ?? String(error),
      ...(typeof e.position === 'number' ? { position: e.position } : {}),
    };
  }
  const stepRefs = new Set<string>();
  const roots = new Set<string>();
  const rootName = (n: AstNode | undefined): string | undefined =>
    n?.type === 'name' && typeof n.value === 'string' ? n.value : undefined;
  const pathSteps = new WeakSet<object>();
  walkAst(ast, (n) => {
    if (n.type === 'path' && Array.isArray(n.steps)) {
      for (const step of n.steps) pathSteps.add(step);
      const first = rootName(n.steps[0]);
      if (first !== undefined) roots.add(first);
      const second = rootName(n.steps[1]);
      if (first === 'steps' && second !== undefined) stepRefs.add(second);
    } else if (n.type === 'name' && typeof n.value === 'string' && !pathSteps.has(n)) {
      roots.add(n.value);
    }
  });
  return { ok: true, stepRefs: [...stepRefs], roots: [...roots] };
}

export interface TemplateExpressionIssue {
  /** Location inside the template value. */
  path: (string | number)[];
  expr?: string;
  message: string;
}

export interface TemplateExpression {
  path: (string | number)[];
  expr: string;
  stepRefs: string[];
  roots: string[];
}

/** Every expression of a template, parsed; syntax problems (bad `${ }` or bad JSONata) are collected, not thrown. */
export function analyzeTemplate(
  template: Json,
  path: (string | number)[] = [],
): { expressions: TemplateExpression[]; issues: TemplateExpressionIssue[] } {
  const expressions: TemplateExpression[] = [];
  const issues: TemplateExpressionIssue[] = [];
  const visit = (value: Json, at: (string | number)[]): void => {
    if (typeof value === 'string') {
      let parts;
      try {
        parts = splitTemplate(value);
      } catch (error) {
        if (error instanceof TemplateSyntaxError) {
          issues.push({ path: at, message: error.message });
          return;
        }
        throw error;
      }
      for (const part of parts) {
        if (part.kind !== 'expr') continue;
        const checked = checkExpression(part.expr);
        if (checked.ok)
          expressions.push({ path: at, expr: part.expr, stepRefs: checked.stepRefs, roots: checked.roots });
        else {
          const where = checked.position !== undefined ? ` (at position ${checked.position})` : '';
          issues.push({
            path: at,
            expr: part.expr,
            message: `invalid expression \${ ${part.expr} }: ${checked.message}${where}`,
          });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...at, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...at, k]);
    }
  };
  visit(template, path);
  return { expressions, issues };
}

/** Whether any string inside a template value holds an expression (malformed `${` counts). */
export function containsExpression(value: Json): boolean {
  if (typeof value === 'string') {
    try {
      return splitTemplate(value).some((p) => p.kind === 'expr');
    } catch {
      return true;
    }
  }
  if (Array.isArray(value)) return value.some(containsExpression);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsExpression);
  return false;
}
