import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ActivityModuleError,
  assembleActivities,
  builtinActivities,
  loadActivityModules,
  parseModuleList,
  toCatalog,
} from '../src/index';

const repoRoot = resolve(__dirname, '..', '..', '..');
const fixtures = join(__dirname, 'fixtures');
const example = './examples/activities/acme-activities.mjs';
const builtins = () => builtinActivities.map((definition) => ({ definition, source: 'builtin' }));

describe('user activity modules', () => {
  it('parses the comma-separated module list', () => {
    expect(parseModuleList(' ./a.js, @acme/acts ,,')).toEqual(['./a.js', '@acme/acts']);
    expect(parseModuleList(undefined)).toEqual([]);
  });

  it('loads the example module relative to the working directory; the catalog has its schemas', async () => {
    const loaded = await loadActivityModules([example], repoRoot);
    expect(loaded.map((l) => l.definition.name).sort()).toEqual(['acme.countdown', 'acme.slugify']);
    const all = assembleActivities([...builtins(), ...loaded]);
    const catalog = toCatalog(all);
    expect(catalog.get('acme.slugify')?.inputSchema).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    expect([...catalog.keys()]).toEqual(
      expect.arrayContaining([
        'http.request',
        'llm.chat',
        'notify.webhook',
        'sql.query',
        'core.echo',
        'text.transform',
      ]),
    );
  });

  it('fails clearly on a name defined twice or shadowing a built-in', async () => {
    const loaded = await loadActivityModules(
      [join(fixtures, 'duplicate-builtin.mjs'), example, example],
      repoRoot,
    );
    const attempt = () => assembleActivities([...builtins(), ...loaded]);
    expect(attempt).toThrow(ActivityModuleError);
    try {
      attempt();
    } catch (err) {
      expect((err as ActivityModuleError).problems).toEqual([
        expect.stringMatching(
          /activity 'http.request' is defined twice \(builtin and .*duplicate-builtin.mjs\)/,
        ),
        "activity 'acme.slugify' is defined twice (./examples/activities/acme-activities.mjs and ./examples/activities/acme-activities.mjs)",
        "activity 'acme.countdown' is defined twice (./examples/activities/acme-activities.mjs and ./examples/activities/acme-activities.mjs)",
      ]);
    }
  });

  it('reports every module problem at once: missing module, no definitions, invalid names', async () => {
    const err = await loadActivityModules(
      ['./nope.js', '@acme/not-installed', join(fixtures, 'no-definitions.mjs')],
      repoRoot,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActivityModuleError);
    const problems = (err as ActivityModuleError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/cannot load activity module '.\/nope.js'/);
    expect(problems[1]).toMatch(/cannot load activity module '@acme\/not-installed'/);
    expect(problems[2]).toMatch(/exports no activity definition/);
    expect((err as Error).message).toMatch(/^Invalid activity modules \(3 problems\):/);

    const bad = await loadActivityModules([join(fixtures, 'bad-name.mjs')], repoRoot);
    expect(() => assembleActivities(bad)).toThrow(/activity name 'NoNamespace' must be dotted lower-case/);
  });
});
