import {
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
} from 'yaml';
import type { DocPath, PathSegment } from './problem';

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Maps document paths to positions in the source text. */
export interface SourceMap {
  /**
   * The position of the node at `path` (the key when `target` is `key` and the path ends in a map
   * key). When part of the path does not exist, the position of its deepest existing ancestor.
   */
  locate(path: DocPath, target?: 'value' | 'key'): SourcePosition | undefined;
}

/** A source map that knows no positions (for documents that did not come from text). */
export const NO_SOURCE: SourceMap = { locate: () => undefined };

function keyEquals(key: unknown, seg: PathSegment): boolean {
  if (isScalar(key)) return String(key.value) === String(seg);
  return false;
}

export function yamlSourceMap(doc: Document, lineCounter: LineCounter): SourceMap {
  const position = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

  return {
    locate(path, target = 'value') {
      let node: unknown = resolve(doc.contents);
      let best: Node | undefined = isNode(node) ? node : undefined;
      for (let i = 0; i < path.length; i++) {
        const seg = path[i] as PathSegment;
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p) => keyEquals(p.key, seg));
          if (!pair) break;
          if (last && target === 'key' && isNode(pair.key)) {
            best = pair.key;
            break;
          }
          node = resolve(pair.value);
          // `key:` with no value: point at the key.
          best = isNode(node) && node.range ? node : isNode(pair.key) ? pair.key : best;
          if (!isNode(node)) break;
        } else if (isSeq(node) && typeof seg === 'number') {
          node = resolve(node.items[seg]);
          if (!isNode(node)) break;
          best = node;
        } else {
          break;
        }
      }
      return best?.range ? position(best.range[0]) : undefined;
    },
  };
}

/** The document path of the innermost node containing `offset` (for syntax errors). */
export function pathAtOffset(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  const contains = (n: unknown): boolean =>
    isNode(n) && n.range !== undefined && n.range !== null && n.range[0] <= offset && offset <= n.range[2];
  for (;;) {
    if (path.length >= 64) return path;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (contains(p.value) || contains(p.key)));
      if (!pair || !isScalar(pair.key)) return path;
      path.push(String(pair.key.value));
      if (!contains(pair.value)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => contains(item));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}
