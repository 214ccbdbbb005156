/**
 * Fast path for the most common expressions: plain dotted paths such as `item`, `input.ticketId`
 * or `steps.fetch.output.body`. Evaluating them directly gives exactly what JSONata gives as long
 * as no array is crossed (JSONata maps over arrays) and the result is not an array (JSONata's
 * sequence rules); everything else returns `undefined` and goes to JSONata. JSONata evaluation is
 * promise-heavy and costly in the workflow sandbox, so this matters for large maps.
 */

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Names that are literals or operators in JSONata, not field names. */
const RESERVED = new Set(['true', 'false', 'null', 'and', 'or', 'in']);

const segmentsCache = new Map<string, readonly string[] | null>();

/** The path's segments, or null when the expression is not a plain dotted path. */
export function simplePathSegments(expr: string): readonly string[] | null {
  let segments = segmentsCache.get(expr);
  if (segments === undefined) {
    const trimmed = expr.trim();
    segments = PATH.test(trimmed) ? trimmed.split('.') : null;
    if (segments && segments.some((s) => RESERVED.has(s))) segments = null;
    if (segmentsCache.size < 10_000) segmentsCache.set(expr, segments);
  }
  return segments;
}

/** `{ value }` when the path resolves without crossing or yielding an array; undefined to defer to JSONata. */
export function resolveSimplePath(
  segments: readonly string[],
  context: unknown,
): { value: unknown } | undefined {
  let value: unknown = context;
  for (const key of segments) {
    if (value === null || value === undefined) return { value: undefined };
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = Object.prototype.hasOwnProperty.call(value, key)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  }
  return Array.isArray(value) ? undefined : { value };
}
