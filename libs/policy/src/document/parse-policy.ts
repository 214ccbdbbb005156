import jsonata from 'jsonata';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { canonicalJson, formatPath, sha256Hex, type Json, type PathSegment } from '@flowgate/dsl';
import { PolicyDocumentSchema, type PolicyDocument } from './policy.schema';
import { stripExpression } from '../util/expression';

/** One problem found in a policy document. */
export interface PolicyProblem {
  /** `yaml-syntax`, `json-syntax`, `schema`, `invalid-expression`, `empty-document`. */
  code: string;
  message: string;
  /** e.g. `spec.rules[2].maxAttempts`. */
  path: string;
  line?: number;
  column?: number;
}

export type PolicyParseResult =
  { ok: true; document: PolicyDocument; digest: string } | { ok: false; problems: PolicyProblem[] };

/** Locates a document path in a YAML tree (1-based line/column), when it exists there. */
function locate(
  root: Node | null,
  path: readonly PathSegment[],
  lines: LineCounter,
): { line: number; column: number } | undefined {
  let node: unknown = root;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) break;
      node = item;
    } else break;
  }
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return undefined;
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

/** Validates an already-parsed value (a JSON body) as a policy document. */
export function parsePolicyValue(
  value: unknown,
  locator?: (path: readonly PathSegment[]) => { line: number; column: number } | undefined,
): PolicyParseResult {
  if (value === null || value === undefined) {
    return {
      ok: false,
      problems: [{ code: 'empty-document', message: 'the policy document is empty', path: '' }],
    };
  }
  const parsed = PolicyDocumentSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        return { code: 'schema', message: issue.message, path: formatPath(path), ...(locator?.(path) ?? {}) };
      }),
    };
  }
  const document = parsed.data;
  const problems: PolicyProblem[] = [];
  document.spec.rules.forEach((rule, i) => {
    if (rule.when === undefined) return;
    try {
      jsonata(stripExpression(rule.when));
    } catch (err) {
      const path: PathSegment[] = ['spec', 'rules', i, 'when'];
      problems.push({
        code: 'invalid-expression',
        message: `invalid JSONata in 'when': ${(err as Error).message}`,
        path: formatPath(path),
        ...(locator?.(path) ?? {}),
      });
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, document, digest: policyDigest(document) };
}

/** Parses a policy document from YAML or JSON text (YAML reads JSON too), with line/column in problems. */
export function parsePolicyText(text: string, format: 'yaml' | 'json' = 'yaml'): PolicyParseResult {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, problems: [{ code: 'json-syntax', message: (err as Error).message, path: '' }] };
    }
    return parsePolicyValue(value);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return {
          code: 'yaml-syntax',
          message: e.message.split('\n')[0] ?? e.message,
          path: '',
          ...(pos ? { line: pos.line, column: pos.col } : {}),
        };
      }),
    };
  }
  return parsePolicyValue(doc.toJS({ maxAliasCount: 100 }), (path) => locate(doc.contents, path, lines));
}

/** sha256 of the canonical JSON of the normalised document without its version (same content → same digest). */
export function policyDigest(document: PolicyDocument): string {
  const { version: _version, ...metadata } = document.metadata;
  return sha256Hex(canonicalJson({ ...document, metadata } as unknown as Json));
}
