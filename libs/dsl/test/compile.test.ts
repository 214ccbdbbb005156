import { describe, expect, it } from 'vitest';
import {
  collectPipelineRefs,
  compilePipeline,
  loadPipeline,
  parsePipelineText,
  PipelineCompileError,
  sha256Hex,
  canonicalJson,
  validateRunInput,
  type PipelineDocument,
  type PipelinePlan,
  type PlanStep,
} from '../src';
import { catalog } from './fixtures';

function parse(text: string): PipelineDocument {
  const parsed = parsePipelineText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems, null, 2));
  return parsed.document;
}

const BIG = `
apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: big, version: 4, tags: [demo] }
spec:
  input: { type: object, required: [id], properties: { id: { type: string } } }
  defaults:
    retry: { maxAttempts: 5, initialInterval: 500ms }
    timeout: { startToClose: 1m, heartbeat: 10s }
  steps:
    - id: report
      needs: [fetch, par]
      uses: notify.webhook
      with: { text: "\${ steps.fetch.output }" }
    - id: fetch
      needs: []
      uses: http.request
      with: { url: "https://example.com/\${ input.id }" }
      retry: { maxAttempts: 2, nonRetryable: [NotFound] }
      timeout: { scheduleToClose: 5m }
      compensate:
        - { id: undo, uses: core.echo }
    - id: par
      needs: [fetch]
      parallel:
        join: { atLeast: 1 }
        merge: deep
        branches:
          - - { id: b, uses: core.echo }
            - { id: b2, uses: core.echo }
          - - id: m
              map:
                items: [1, 2, 3]
                aggregate: { reduce: "\${ acc + item }", initial: 0 }
                steps: [ { id: inner, uses: text.transform, with: { text: "\${ item }", op: upper } } ]
    - id: sw
      switch:
        cases:
          - when: "\${ input.id = 'a' }"
            steps: [ { id: x, set: { v: 1 } } ]
        default: [ { id: y, wait: { until: "2030-01-01T00:00:00Z" } } ]
    - id: lp
      loop:
        until: "\${ steps.z.output.done }"
        steps: [ { id: z, pipeline: { name: child, version: 1 }, with: { n: 1 } } ]
    - id: ok
      approval:
        approvers: { roles: [lead] }
        timeout: 1d
        onTimeout: escalate
        escalation: { approvers: { users: [boss] }, timeout: 2h }
        reminder: { every: 4h }
    - id: ask
      input: { schema: { type: object }, timeout: 30m, message: "Need data" }
    - id: stop
      when: "\${ false }"
      fail: { message: "stopped \${ input.id }" }
  output: "\${ steps.report.output }"
`;

const childPlan: PipelinePlan = {
  apiVersion: 'flowgate/v1',
  pipeline: { name: 'child', version: 1, tags: [] },
  digest: 'c'.repeat(64),
  steps: [],
  activities: ['llm.chat', 'sql.query'],
};
const subPlans = new Map([['child@1', childPlan]]);

const find = (steps: readonly PlanStep[], id: string): PlanStep | undefined => {
  for (const s of steps) {
    if (s.id === id) return s;
    const nested: PlanStep[][] = [s.compensate ?? []];
    if (s.kind === 'parallel') nested.push(...s.branches);
    if (s.kind === 'map' || s.kind === 'loop') nested.push(s.steps);
    if (s.kind === 'switch') nested.push(...s.cases.map((c) => c.steps), s.default ?? []);
    for (const list of nested) {
      const hit = find(list, id);
      if (hit) return hit;
    }
  }
  return undefined;
};

describe('compilePipeline', () => {
  const plan = compilePipeline(parse(BIG), { catalog, subPlans });
  const step = (id: string): PlanStep => {
    const s = find(plan.steps, id);
    if (!s) throw new Error(`no step ${id}`);
    return s;
  };

  it('fills the pipeline header, input schema, output and activities (nested and from child plans)', () => {
    expect(plan.apiVersion).toBe('flowgate/v1');
    expect(plan.pipeline).toEqual({ name: 'big', version: 4, tags: ['demo'] });
    expect(plan.inputSchema).toEqual({
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' } },
    });
    expect(plan.output).toBe('steps.report.output');
    expect(plan.activities).toEqual([
      'core.echo',
      'http.request',
      'llm.chat',
      'notify.webhook',
      'sql.query',
      'text.transform',
    ]);
    expect(plan.schedule).toBeUndefined();
  });

  it('orders top-level steps topologically, keeping document order otherwise, and makes needs explicit', () => {
    expect(plan.steps.map((s) => [s.id, s.needs])).toEqual([
      ['fetch', []],
      ['par', ['fetch']],
      ['report', ['fetch', 'par']],
      ['sw', ['par']],
      ['lp', ['sw']],
      ['ok', ['lp']],
      ['ask', ['ok']],
      ['stop', ['ask']],
    ]);
    expect(step('b2').needs).toEqual(['b']);
    expect(step('b').needs).toEqual([]);
  });

  it('gives every step its static path', () => {
    expect(
      ['fetch', 'undo', 'b', 'b2', 'm', 'inner', 'x', 'y', 'z', 'stop'].map((id) => step(id).path),
    ).toEqual([
      'fetch',
      'fetch/compensate/undo',
      'par/branch[0]/b',
      'par/branch[0]/b2',
      'par/branch[1]/m',
      'par/branch[1]/m/inner',
      'sw/case[0]/x',
      'sw/default/y',
      'lp/z',
      'stop',
    ]);
  });

  it('resolves retry and timeout field by field: step, then document defaults, then built-ins', () => {
    expect(step('fetch').retry).toEqual({
      maxAttempts: 2,
      initialIntervalMs: 500,
      backoffCoefficient: 2,
      maxIntervalMs: 60_000,
      nonRetryable: ['NotFound'],
    });
    expect(step('fetch').timeout).toEqual({
      startToCloseMs: 60_000,
      scheduleToCloseMs: 300_000,
      heartbeatMs: 10_000,
    });
    expect(step('inner').retry).toEqual({
      maxAttempts: 5,
      initialIntervalMs: 500,
      backoffCoefficient: 2,
      maxIntervalMs: 60_000,
      nonRetryable: [],
    });
    expect(step('inner').onError).toBe('fail');
    expect(step('inner').tags).toEqual([]);
  });

  it('uses the built-in defaults when the document has none', () => {
    const p = compilePipeline(
      parse(
        'apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: d, version: 1 }\nspec:\n  steps: [ { id: a, uses: core.echo } ]\n',
      ),
      { catalog },
    );
    expect(p.steps).toEqual([
      {
        id: 'a',
        path: 'a',
        kind: 'uses',
        needs: [],
        retry: {
          maxAttempts: 3,
          initialIntervalMs: 1000,
          backoffCoefficient: 2,
          maxIntervalMs: 60000,
          nonRetryable: [],
        },
        timeout: { startToCloseMs: 30000 },
        onError: 'fail',
        tags: [],
        uses: 'core.echo',
        with: {},
      },
    ]);
  });

  it('compiles every step kind with its defaults', () => {
    expect(step('fetch')).toMatchObject({
      kind: 'uses',
      uses: 'http.request',
      with: { url: 'https://example.com/${ input.id }' },
    });
    expect(step('report').when).toBeUndefined();
    expect(step('par')).toMatchObject({ kind: 'parallel', merge: 'deep', join: { mode: 'atLeast', n: 1 } });
    expect(step('m')).toMatchObject({
      kind: 'map',
      items: '[1,2,3]',
      concurrency: 10,
      batchSize: 500,
      aggregate: { mode: 'reduce', reducer: 'acc + item', initial: 0 },
    });
    expect(step('sw')).toMatchObject({ kind: 'switch', cases: [{ when: "input.id = 'a'" }] });
    expect(step('x')).toMatchObject({ kind: 'set', values: { v: 1 } });
    expect(step('y')).toMatchObject({ kind: 'wait', until: '"2030-01-01T00:00:00Z"' });
    expect(step('lp')).toMatchObject({ kind: 'loop', until: 'steps.z.output.done', maxIterations: 100 });
    expect(step('z')).toMatchObject({
      kind: 'pipeline',
      pipeline: { name: 'child', version: 1 },
      plan: childPlan,
      input: { n: 1 },
    });
    expect(step('ok')).toMatchObject({
      kind: 'approval',
      approvers: { roles: ['lead'], users: [] },
      quorum: 1,
      rejectOnFirst: true,
      timeoutMs: 86_400_000,
      onTimeout: 'escalate',
      escalation: {
        approvers: { roles: [], users: ['boss'] },
        quorum: 1,
        timeoutMs: 7_200_000,
        onTimeout: 'reject',
      },
      reminder: { everyMs: 14_400_000 },
    });
    expect(step('ask')).toMatchObject({
      kind: 'input',
      from: { roles: [], users: [] },
      schema: { type: 'object' },
      timeoutMs: 1_800_000,
      message: 'Need data',
    });
    expect(step('stop')).toMatchObject({
      kind: 'fail',
      when: 'false',
      message: 'stopped ${ input.id }',
      errorType: 'PipelineFailed',
    });
  });

  it('compiles map defaults, vote/maxBy aggregation, join modes and wait durations', () => {
    const p = compilePipeline(
      parse(`apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: d, version: 1 }
spec:
  steps:
    - id: m1
      map: { items: "\${ [1,2] }", steps: [ { id: a, uses: core.echo } ] }
    - id: m2
      map: { items: "\${ [1,2] }", aggregate: vote, concurrency: 3, batchSize: 50, steps: [ { id: b, uses: core.echo } ] }
    - id: m3
      map: { items: "\${ [1,2] }", aggregate: { vote: { by: "\${ item.label }" } }, steps: [ { id: c, uses: core.echo } ] }
    - id: m4
      map: { items: "\${ [1,2] }", aggregate: { maxBy: "\${ item.score }" }, steps: [ { id: d, uses: core.echo } ] }
    - id: p
      parallel: { join: first, branches: [ [ { id: e, wait: { duration: 1h30m } } ] ] }
    - id: w
      wait: { until: "\${ input.at }" }
`),
      { catalog },
    );
    const [m1, m2, m3, m4, par, w] = p.steps;
    expect(m1).toMatchObject({
      items: '[1,2]',
      concurrency: 10,
      batchSize: 500,
      aggregate: { mode: 'collect' },
    });
    expect(m2).toMatchObject({ concurrency: 3, batchSize: 50, aggregate: { mode: 'vote' } });
    expect(m3).toMatchObject({ aggregate: { mode: 'vote', by: 'item.label' } });
    expect(m4).toMatchObject({ aggregate: { mode: 'maxBy', by: 'item.score' } });
    expect(par).toMatchObject({
      merge: 'collect',
      join: { mode: 'first' },
      branches: [[{ kind: 'wait', durationMs: 5_400_000 }]],
    });
    expect(w).toMatchObject({ kind: 'wait', until: 'input.at' });
  });

  it('carries the schedule through with defaults', () => {
    const p = compilePipeline(
      parse(`apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: d, version: 1 }
spec:
  steps: [ { id: a, uses: core.echo } ]
  schedule: { cron: "0 7 * * 1-5" }
`),
      { catalog },
    );
    expect(p.schedule).toEqual({ cron: '0 7 * * 1-5', timezone: 'UTC', overlap: 'skip', input: {} });
  });

  it('digests the canonical JSON of the document: stable across formatting, key order and format', () => {
    const doc = parse(BIG);
    expect(plan.digest).toBe(sha256Hex(canonicalJson(doc)));
    expect(plan.digest).toMatch(/^[0-9a-f]{64}$/);
    const reordered = parse(
      BIG.replace(
        'metadata: { name: big, version: 4, tags: [demo] }',
        'metadata:\n  tags: [ demo ]\n  version: 4\n  name: big  # same',
      ),
    );
    expect(compilePipeline(reordered, { catalog, subPlans }).digest).toBe(plan.digest);
    const asJson = parsePipelineText(JSON.stringify(doc, null, 3), { format: 'json' });
    expect(asJson.ok && compilePipeline(asJson.document, { catalog, subPlans }).digest).toBe(plan.digest);
    const changed = parse(BIG.replace('version: 4', 'version: 5'));
    expect(compilePipeline(changed, { catalog, subPlans }).digest).not.toBe(plan.digest);
  });

  it('throws PipelineCompileError with every problem for an invalid document', () => {
    const doc = parse(BIG);
    let caught: unknown;
    try {
      compilePipeline(doc, { catalog: new Map() });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PipelineCompileError);
    expect((caught as PipelineCompileError).problems.map((p) => p.code)).toEqual([
      'unknown-activity',
      'unknown-activity',
      'unknown-activity',
      'unknown-activity',
      'unknown-activity',
      'unknown-activity',
      'unknown-pipeline',
    ]);
  });
});

describe('collectPipelineRefs', () => {
  it('lists each sub-pipeline once, nested ones included', () => {
    const doc = parse(`apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: d, version: 1 }
spec:
  steps:
    - { id: a, pipeline: { name: one, version: 1 } }
    - id: m
      map: { items: "\${ [1] }", steps: [ { id: b, pipeline: { name: two, version: 3 } }, { id: c, pipeline: { name: one, version: 1 } } ] }
      compensate: [ { id: d, pipeline: { name: one, version: 2 } } ]
`);
    expect(collectPipelineRefs(doc)).toEqual([
      { name: 'one', version: 1 },
      { name: 'two', version: 3 },
      { name: 'one', version: 2 },
    ]);
  });
});

describe('loadPipeline', () => {
  it('parses, validates and compiles, returning warnings with the plan', () => {
    const result = loadPipeline(
      `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: d, version: 1 }
spec:
  steps:
    - { id: a, uses: core.echo, with: { v: "\${ steps.b.output }" } }
    - { id: b, uses: core.echo }
`,
      { catalog },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.steps.map((s) => s.id)).toEqual(['a', 'b']);
    expect(result.warnings.map((w) => [w.code, w.severity, w.path, w.line])).toEqual([
      ['reference-not-upstream', 'warning', 'spec.steps[0].with.v', 6],
    ]);
  });

  it('returns every problem instead of throwing', () => {
    expect(loadPipeline('kind: [', { catalog })).toMatchObject({
      ok: false,
      problems: [{ code: 'yaml-syntax' }],
    });
    const result = loadPipeline(
      'apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: d, version: 1 }\nspec:\n  steps: [ { id: a, uses: nope } ]\n',
      { catalog },
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          code: 'unknown-activity',
          message: "unknown activity 'nope'",
          path: 'spec.steps[0].uses',
          line: 5,
          column: 27,
          severity: 'error',
        },
      ],
    });
  });
});

describe('validateRunInput', () => {
  const plan = compilePipeline(parse(BIG), { catalog, subPlans });
  it('accepts valid input and reports bad input with input.* paths', () => {
    expect(validateRunInput(plan, { id: 'x' })).toEqual([]);
    expect(validateRunInput(plan, { id: 3 })).toEqual([
      { code: 'invalid-run-input', message: 'must be string', path: 'input.id', severity: 'error' },
    ]);
    expect(validateRunInput(plan, {})).toEqual([
      { code: 'invalid-run-input', message: 'is required', path: 'input.id', severity: 'error' },
    ]);
    expect(validateRunInput(plan, undefined)).toEqual([
      { code: 'invalid-run-input', message: 'must be object', path: 'input', severity: 'error' },
    ]);
  });
  it('accepts anything when the plan has no input schema', () => {
    expect(validateRunInput({ ...plan, inputSchema: undefined }, 42)).toEqual([]);
  });
});
