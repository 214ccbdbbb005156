import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { PipelineDocument } from '../document/document.types';
import { PipelineDocumentSchema } from '../document/pipeline.schema';
import { formatPath, type PathSegment, type Problem, sortProblems } from './problem';
import { NO_SOURCE, pathAtOffset, type SourceMap, yamlSourceMap } from './source-map';
import { zodIssuesToProblems } from './zod-issues';

export type SourceFormat = 'yaml' | 'json';

export interface ParseOptions {
  /** Default: `json` when `sourceName` ends in `.json`, else `yaml` (which also reads JSON). */
  format?: SourceFormat;
  /** File name or other label, used only to pick the format. */
  sourceName?: string;
}

export type ParseResult =
  | { ok: true; document: PipelineDocument; source: SourceMap; warnings: Problem[] }
  | { ok: false; problems: Problem[] };

const MAX_ALIAS_COUNT = 100;

function duplicateKeyProblems(doc: Document, lineCounter: LineCounter): Problem[] {
  const problems: Problem[] = [];
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        if (seen.has(key)) {
          const range = isScalar(pair.key) ? pair.key.range : undefined;
          const pos = range ? lineCounter.linePos(range[0]) : undefined;
          problems.push({
            code: 'duplicate-key',
            message: `duplicate key '${key}'`,
            path: formatPath([...path, key]),
            severity: 'error',
            ...(pos ? { line: pos.line, column: pos.col } : {}),
          });
        }
        seen.add(key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);
  return problems;
}

/**
 * Parses YAML or JSON text into a schema-valid pipeline document. Never throws: every problem
 * (syntax, duplicate key, schema) comes back with its path and 1-based line/column.
 */
export function parsePipelineText(text: string, options: ParseOptions = {}): ParseResult {
  try {
    return parseText(text, options);
  } catch (error) {
    // Bugs, or a stack overflow on absurd nesting: still a problem list, never a stack trace.
    const message =
      error instanceof RangeError ? 'the document is nested too deeply' : `internal error: ${String(error)}`;
    return {
      ok: false,
      problems: [
        { code: error instanceof RangeError ? 'too-deep' : 'internal', message, path: '', severity: 'error' },
      ],
    };
  }
}

/** Maximum nesting of maps and lists; deeper documents are refused before any recursive processing. */
export const MAX_NESTING = 64;

function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, depth + 1);
    if (max > MAX_NESTING) return max;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

function parseText(text: string, options: ParseOptions): ParseResult {
  const format: SourceFormat =
    options.format ?? (options.sourceName?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  if (text.trim().length === 0) {
    return {
      ok: false,
      problems: [{ code: 'empty-document', message: 'the document is empty', path: '', severity: 'error' }],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
    schema: format === 'json' ? 'json' : 'core',
  });
  const locate = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const syntax: Problem[] = doc.errors.map((e) => ({
    code: format === 'json' ? 'json-syntax' : 'yaml-syntax',
    message: e.message,
    path: formatPath(pathAtOffset(doc, e.pos[0])),
    severity: 'error',
    ...locate(e.pos[0]),
  }));
  const warnings: Problem[] = doc.warnings.map((w) => ({
    code: format === 'json' ? 'json-syntax' : 'yaml-syntax',
    message: w.message,
    path: formatPath(pathAtOffset(doc, w.pos[0])),
    severity: 'warning',
    ...locate(w.pos[0]),
  }));
  if (syntax.length > 0) return { ok: false, problems: sortProblems([...syntax, ...warnings]) };

  const duplicates = duplicateKeyProblems(doc, lineCounter);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [...duplicates, { code: 'yaml-syntax', message, path: '', severity: 'error' }],
    };
  }
  if (nestingDepth(data) > MAX_NESTING) {
    return {
      ok: false,
      problems: [
        {
          code: 'too-deep',
          message: `the document is nested more than ${MAX_NESTING} levels deep`,
          path: '',
          severity: 'error',
        },
      ],
    };
  }
  const source = yamlSourceMap(doc, lineCounter);
  const parsed = parseDocumentValue(data, source);
  if (!parsed.ok || duplicates.length > 0) {
    return {
      ok: false,
      problems: sortProblems([...duplicates, ...(parsed.ok ? [] : parsed.problems), ...warnings]),
    };
  }
  return { ok: true, document: parsed.document, source, warnings };
}

/** Schema-checks an already parsed value (e.g. a JSON request body or builder output). */
export function parseDocumentValue(
  value: unknown,
  source: SourceMap = NO_SOURCE,
): { ok: true; document: PipelineDocument } | { ok: false; problems: Problem[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const pos = source.locate([]);
    return {
      ok: false,
      problems: [
        {
          code: 'schema',
          message: `a pipeline document must be an object with apiVersion, kind, metadata and spec`,
          path: '',
          severity: 'error',
          ...(pos ?? {}),
        },
      ],
    };
  }
  const result = PipelineDocumentSchema.safeParse(value);
  if (result.success) return { ok: true, document: result.data };
  return { ok: false, problems: sortProblems(zodIssuesToProblems(result.error.issues, value, source)) };
}
