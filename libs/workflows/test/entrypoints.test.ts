import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Follows relative imports from a source file, collecting every module reached. */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = readFileSync(entry, 'utf8');
  for (const m of source.matchAll(/^(import|export)\s+(?!type\b)[^'"]*from\s+'(\.[^']+)'/gm)) {
    reachable(resolve(dirname(entry), `${m[2]}.ts`), seen);
  }
  return seen;
}

describe('public entry', () => {
  it('index.ts reaches no module that imports @temporalio/workflow (or any runtime Temporal/IO package) at runtime', () => {
    const files = reachable(join(__dirname, '../src/index.ts'));
    expect(files.size).toBeGreaterThan(5);
    for (const f of files) {
      const runtimeImports = [
        ...readFileSync(f, 'utf8').matchAll(/^import\s+(?!type\b)[^'"]*from\s+'([^']+)'/gm),
      ].map((m) => m[1]);
      const offending = runtimeImports.filter((m) => m?.startsWith('@temporalio/') || m === 'jsonata');
      expect(offending, f).toEqual([]);
    }
  });

  it('the workflow bundle entry exports runPipeline and runMapBatch', () => {
    const source = readFileSync(join(__dirname, '../src/workflows.ts'), 'utf8');
    expect(source).toMatch(/export \{ runPipeline \}/);
    expect(source).toMatch(/export \{ runMapBatch \}/);
  });
});
