import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collectPipelineRefs,
  loadPipeline,
  parsePipelineText,
  pipelineKey,
  type PipelineDocument,
  type PipelinePlan,
} from '../src';
import { catalog } from './fixtures';

const EXAMPLES = join(__dirname, '../../../examples');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ya?ml|json)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const sources = files(EXAMPLES).map((file) => ({
  file: relative(EXAMPLES, file),
  text: readFileSync(file, 'utf8'),
}));

/** Compiles every example, children before parents, as the gateway would with its registry. */
function compileAll(): Map<
  string,
  { file: string; document: PipelineDocument; plan: PipelinePlan; warnings: unknown[] }
> {
  const parsed = sources.map((s) => {
    const r = parsePipelineText(s.text, { sourceName: s.file });
    if (!r.ok) throw new Error(`${s.file}: ${JSON.stringify(r.problems, null, 2)}`);
    return { ...s, document: r.document };
  });
  const done = new Map<
    string,
    { file: string; document: PipelineDocument; plan: PipelinePlan; warnings: unknown[] }
  >();
  const subPlans = new Map<string, PipelinePlan>();
  let pending = parsed;
  while (pending.length > 0) {
    const ready = pending.filter((p) =>
      collectPipelineRefs(p.document).every((ref) => subPlans.has(pipelineKey(ref))),
    );
    if (ready.length === 0)
      throw new Error(`unresolvable sub-pipelines in ${pending.map((p) => p.file).join(', ')}`);
    for (const p of ready) {
      const result = loadPipeline(p.text, { catalog, subPlans, sourceName: p.file });
      if (!result.ok) throw new Error(`${p.file}: ${JSON.stringify(result.problems, null, 2)}`);
      const key = pipelineKey(result.plan.pipeline);
      subPlans.set(key, result.plan);
      done.set(key, {
        file: p.file,
        document: result.document,
        plan: result.plan,
        warnings: result.warnings,
      });
    }
    pending = pending.filter((p) => !ready.includes(p));
  }
  return done;
}

describe('examples/', () => {
  const compiled = compileAll();

  it('has the hello pipeline and at least six more, plus child pipelines', () => {
    expect([...compiled.keys()].sort()).toEqual([
      'best-of-n@1',
      'daily-report@1',
      'hello@1',
      'publish-document@1',
      'research-report@1',
      'research-topic@2',
      'summarize-documents@1',
      'ticket-triage@3',
      'travel-booking@2',
    ]);
  });

  it('validates every example without errors or warnings', () => {
    for (const [key, c] of compiled) {
      expect({ key, warnings: c.warnings }).toEqual({ key, warnings: [] });
    }
  });

  it('hello.yaml is exactly the walking-skeleton pipeline', () => {
    const hello = compiled.get('hello@1');
    expect(hello?.document.spec).toEqual({
      input: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      steps: [
        { id: 'greet', uses: 'core.echo', with: { message: 'Hello, ${ input.name }!' } },
        {
          id: 'shout',
          uses: 'text.transform',
          with: { text: '${ steps.greet.output.message }', op: 'upper' },
        },
      ],
      output: "${ { 'greeting': steps.greet.output.message, 'shout': steps.shout.output.text } }",
    });
    expect(hello?.plan.activities).toEqual(['core.echo', 'text.transform']);
    expect(hello?.plan.output).toBe(
      "{ 'greeting': steps.greet.output.message, 'shout': steps.shout.output.text }",
    );
  });

  it('covers the required scenarios', () => {
    const kinds = (plan: PipelinePlan): Set<string> => {
      const out = new Set<string>();
      const walk = (steps: PipelinePlan['steps']): void => {
        for (const s of steps) {
          out.add(s.kind);
          if (s.compensate) {
            out.add('compensate');
            walk(s.compensate);
          }
          if (s.kind === 'parallel') s.branches.forEach(walk);
          if (s.kind === 'map' || s.kind === 'loop') walk(s.steps);
          if (s.kind === 'map') out.add(`aggregate:${s.aggregate.mode}`);
          if (s.kind === 'switch') {
            s.cases.forEach((c) => walk(c.steps));
            if (s.default) walk(s.default);
          }
        }
      };
      walk(plan.steps);
      return out;
    };
    const has = (key: string, ...what: string[]): void => {
      const plan = compiled.get(key)?.plan;
      expect(plan).toBeDefined();
      if (plan) expect([...kinds(plan)]).toEqual(expect.arrayContaining(what));
    };
    has('ticket-triage@3', 'uses', 'parallel', 'approval');
    has('summarize-documents@1', 'map', 'aggregate:collect');
    has('travel-booking@2', 'compensate');
    has('best-of-n@1', 'map', 'aggregate:vote', 'switch', 'fail', 'set');
    has('daily-report@1', 'wait', 'set');
    has('research-report@1', 'pipeline', 'loop', 'map');
    expect(compiled.get('daily-report@1')?.plan.schedule).toEqual({
      cron: '30 7 * * 1-5',
      timezone: 'Europe/Paris',
      overlap: 'skip',
      input: { region: 'eu', channel: '#sales' },
    });
    expect(compiled.get('research-report@1')?.plan.activities).toEqual([
      'http.request',
      'llm.chat',
      'notify.webhook',
      'sql.query',
    ]);
  });
});
