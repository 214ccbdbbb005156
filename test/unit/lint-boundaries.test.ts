import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const fixture = join(root, 'libs/workflows/test/fixtures/forbidden-imports.fixture.ts');

describe('module boundaries of libs/workflows (deterministic workflow code)', () => {
  let messages: { ruleId: string | null; line: number; message: string }[];

  beforeAll(async () => {
    // The Nx boundary rule reads the cached project graph.
    execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'ignore',
    });
    const eslint = new ESLint({ cwd: root, ignore: false });
    const [result] = await eslint.lintFiles([fixture]);
    messages = result!.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, message: m.message }));
  }, 120_000);

  const reported = (line: number, rule: string) => messages.some((m) => m.line === line && m.ruleId === rule);

  it('refuses Node built-ins', () => {
    expect(reported(3, 'no-restricted-imports')).toBe(true);
    expect(reported(4, 'no-restricted-imports')).toBe(true);
  });

  it('refuses Temporal client, worker and activity packages and I/O clients', () => {
    for (const line of [5, 6, 7, 8, 9]) {
      expect(
        reported(line, 'no-restricted-imports') || reported(line, '@nx/enforce-module-boundaries'),
        `line ${line}`,
      ).toBe(true);
    }
    expect(reported(5, '@nx/enforce-module-boundaries')).toBe(true);
  });

  it('refuses runtime libraries (database access) through Nx tags', () => {
    expect(reported(10, '@nx/enforce-module-boundaries')).toBe(true);
  });

  it('accepts the real workflow sources', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles([join(root, 'libs/workflows/src/workflows.ts')]);
    expect(results.flatMap((r) => r.messages.filter((m) => m.severity === 2))).toEqual([]);
  });
});
