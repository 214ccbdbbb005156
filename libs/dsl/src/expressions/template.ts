import type { Json, Template } from '../plan/plan.types';

/**
 * Splitting of `${ expr }` templates. Pure and shared by the validator (which parses every
 * expression) and the interpreter (which evaluates them).
 *
 * A string that is exactly one `${ ... }` (surrounding whitespace allowed) is a *value*
 * expression: it evaluates to any JSON value. Otherwise every `${ ... }` part is evaluated and
 * joined into a string. `$${` escapes a literal `${`.
 */

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; expr: string; offset: number };

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

/** Finds the index of the `}` closing an expression opened just before `start`, honouring nesting and string literals. */
function findClose(source: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') {
        i++;
      } else if (ch === quote) {
        quote = null;
      }
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
    } else if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (ch === '{' || ch === '[' || ch === '(') {
      depth++;
    } else if (ch === ']' || ch === ')') {
      depth--;
    } else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Splits a string into literal text and expression parts. Throws TemplateSyntaxError on an unclosed `${`. */
export function splitTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    if (source.startsWith('$${', i)) {
      text += '${';
      i += 3;
      continue;
    }
    if (source.startsWith('${', i)) {
      const close = findClose(source, i + 2);
      if (close < 0) {
        throw new TemplateSyntaxError(`unclosed expression: '\${' at offset ${i} has no matching '}'`, i);
      }
      const expr = source.slice(i + 2, close).trim();
      if (expr.length === 0) {
        throw new TemplateSyntaxError(`empty expression at offset ${i}`, i);
      }
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'expr', expr, offset: i });
      i = close + 1;
      continue;
    }
    text += source[i];
    i++;
  }
  if (text || parts.length === 0) parts.push({ kind: 'text', text });
  return parts;
}

/** The expression of a string that is exactly one `${ }`, or undefined. */
export function soleExpression(source: string): string | undefined {
  const trimmed = source.trim();
  if (!trimmed.startsWith('${')) return undefined;
  const parts = splitTemplate(trimmed);
  return parts.length === 1 && parts[0]?.kind === 'expr' ? parts[0].expr : undefined;
}

/** Whether a string contains at least one expression. */
export function hasExpression(source: string): boolean {
  return splitTemplate(source).some((p) => p.kind === 'expr');
}

export interface LocatedExpression {
  /** JSON path inside the template, e.g. `['headers', 'Authorization']`. */
  path: (string | number)[];
  expr: string;
}

/** Every expression inside a template value, with its location. Throws TemplateSyntaxError on bad syntax. */
export function templateExpressions(template: Template, path: (string | number)[] = []): LocatedExpression[] {
  if (typeof template === 'string') {
    return splitTemplate(template)
      .filter((p): p is Extract<TemplatePart, { kind: 'expr' }> => p.kind === 'expr')
      .map((p) => ({ path, expr: p.expr }));
  }
  if (Array.isArray(template)) {
    return template.flatMap((v, i) => templateExpressions(v, [...path, i]));
  }
  if (template !== null && typeof template === 'object') {
    return Object.entries(template).flatMap(([k, v]) => templateExpressions(v as Json, [...path, k]));
  }
  return [];
}
