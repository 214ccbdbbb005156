import type { z } from 'zod';
import { STEP_KINDS } from '../plan/plan.types';
import { kindKeysOf } from '../document/step-kind';
import { formatPath, type DocPath, type PathSegment, type Problem } from './problem';
import type { SourceMap } from './source-map';

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: DocPath): unknown {
  let value = root;
  for (const seg of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathSegment, unknown>)[seg];
  }
  return value;
}

function hasKey(root: unknown, path: DocPath): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(root, path.slice(0, -1));
  const key = path[path.length - 1] as PathSegment;
  return parent !== null && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, key);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Converts zod issues to problems with paths and positions. Unions are resolved to the errors of
 * the intended alternative: for steps, the alternative named by the step's kind key; otherwise the
 * alternative whose type matched the value.
 */
export function zodIssuesToProblems(issues: readonly Issue[], data: unknown, source: SourceMap): Problem[] {
  const out: Problem[] = [];
  const emit = (path: DocPath, message: string, target: 'value' | 'key' = 'value'): void => {
    const pos = source.locate(path, target);
    out.push({ code: 'schema', message, path: formatPath(path), severity: 'error', ...(pos ?? {}) });
  };

  const visit = (issue: Issue, base: DocPath): void => {
    const path: DocPath = [...base, ...(issue.path as PathSegment[])];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) emit([...path, key], `unknown key '${key}'`, 'key');
        return;
      case 'invalid_union': {
        const raw = valueAt(data, path);
        if (issue.errors.length === STEP_KINDS.length) {
          // The step union (reached only when the step has exactly one kind key and that
          // alternative failed hard): report the errors of the alternative the kind key names.
          const kinds = kindKeysOf(raw);
          const index = kinds.length === 1 ? STEP_KINDS.indexOf(kinds[0] as (typeof STEP_KINDS)[number]) : -1;
          if (index >= 0) {
            for (const inner of issue.errors[index] ?? []) visit(inner, path);
            return;
          }
        }
        const options = issue.errors.map((errs, i) => ({
          errs,
          i,
          // A root type error, or an enum/literal miss on a non-primitive value, means "wrong alternative".
          typeMismatch: errs.some(
            (e) =>
              e.path.length === 0 &&
              (e.code === 'invalid_type' ||
                (e.code === 'invalid_value' && raw !== null && typeof raw === 'object')),
          ),
        }));
        const candidates = options.filter((o) => !o.typeMismatch);
        if (candidates.length === 0) {
          const expected = [
            ...new Set(
              issue.errors.flatMap((errs) =>
                errs
                  .filter((e) => e.path.length === 0 && e.code === 'invalid_type')
                  .map((e) => (e as { expected: string }).expected),
              ),
            ),
          ];
          emit(path, `expected ${expected.join(' or ')}, got ${describeType(raw)}`);
          return;
        }
        // Fewest issues wins; ties go to the later alternative (the more specific one in our schema).
        const best = candidates.reduce((a, b) => (b.errs.length <= a.errs.length ? b : a));
        for (const inner of best.errs) visit(inner, path);
        return;
      }
      case 'invalid_type': {
        const raw = valueAt(data, path);
        if (typeof raw === 'number' && !Number.isFinite(raw)) {
          emit(path, `must be a finite number, got ${String(raw)}`);
          return;
        }
        if (!hasKey(data, path)) {
          emit(path, `is required (expected ${issue.expected})`);
        } else {
          emit(path, `expected ${issue.expected}, got ${describeType(raw)}`);
        }
        return;
      }
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const bound = small
          ? (issue as { minimum: number | bigint }).minimum
          : (issue as { maximum: number | bigint }).maximum;
        const inclusive = issue.inclusive !== false;
        const word = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
        if (issue.origin === 'array') emit(path, `must contain ${word} ${bound} item(s)`);
        else if (issue.origin === 'string') emit(path, `must be ${word} ${bound} character(s) long`);
        else emit(path, `must be ${word} ${bound}`);
        return;
      }
      default:
        emit(path, issue.message);
    }
  };

  for (const issue of issues) visit(issue, []);
  return out;
}
