import { describe, expect, it } from 'vitest';
import {
  parsePipelineText,
  validatePipeline,
  type ActivityCatalog,
  type PipelinePlan,
  type Problem,
  type ValidateContext,
} from '../src';
import { catalog, withSteps } from './fixtures';

function validate(text: string, ctx: Partial<ValidateContext> = {}): Problem[] {
  const parsed = parsePipelineText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems, null, 2));
  return validatePipeline(parsed.document, { catalog, source: parsed.source, ...ctx });
}

const brief = (problems: Problem[]): [string, string, string, number | undefined, number | undefined][] =>
  problems.map((p) => [p.code, p.path, p.message, p.line, p.column]);

const childPlan: PipelinePlan = {
  apiVersion: 'flowgate/v1',
  pipeline: { name: 'child', version: 2, tags: [] },
  digest: 'x',
  inputSchema: { type: 'object', required: ['doc'], properties: { doc: { type: 'string' } } },
  steps: [],
  activities: ['llm.chat'],
};

describe('validatePipeline', () => {
  it('accepts a valid document with no problems', () => {
    expect(
      validate(
        withSteps(`
    - id: fetch
      uses: http.request
      with: { url: "https://example.com/\${ input.id }" }
    - id: summarize
      uses: llm.chat
      with: { prompt: "\${ steps.fetch.output.body }" }`),
      ),
    ).toEqual([]);
  });

  it('reports duplicate step ids anywhere in the document', () => {
    expect(
      brief(
        validate(
          withSteps(`
    - id: a
      uses: core.echo
    - id: m
      map:
        items: "\${ [1, 2] }"
        steps:
          - id: a
            uses: core.echo`),
        ),
      ),
    ).toEqual([
      [
        'duplicate-step-id',
        'spec.steps[1].map.steps[0].id',
        "duplicate step id 'a' (first defined at spec.steps[0]); step ids must be unique in the whole document",
        12,
        17,
      ],
    ]);
  });

  it('reports needs that name unknown or non-sibling steps', () => {
    expect(
      brief(
        validate(
          withSteps(`
    - id: fetch
      uses: core.echo
    - id: par
      parallel:
        branches:
          - [ { id: inner, uses: core.echo, needs: [fetch] } ]
    - id: last
      needs: [fecth, inner]
      uses: core.echo`),
        ),
      ),
    ).toEqual([
      [
        'unknown-step-reference',
        'spec.steps[1].parallel.branches[0][0].needs[0]',
        "needs 'fetch', which is not a sibling of 'inner': needs may only name steps of the same list",
        11,
        53,
      ],
      [
        'unknown-step-reference',
        'spec.steps[2].needs[0]',
        "needs unknown step 'fecth' (did you mean 'fetch'?)",
        13,
        15,
      ],
      [
        'unknown-step-reference',
        'spec.steps[2].needs[1]',
        "needs 'inner', which is not a sibling of 'last': needs may only name steps of the same list",
        13,
        22,
      ],
    ]);
  });

  it('reports each cycle once with its members', () => {
    expect(
      brief(
        validate(
          withSteps(`
    - id: a
      needs: [c]
      uses: core.echo
    - id: b
      uses: core.echo
    - id: c
      uses: core.echo
    - id: self
      needs: [self]
      uses: core.echo`),
        ),
      ),
    ).toEqual([
      ['cycle', 'spec.steps[0].needs', 'needs form a cycle: a -> b -> c -> a', 7, 14],
      ['cycle', 'spec.steps[3].needs', 'needs form a cycle: self -> self', 14, 14],
    ]);
  });

  it('parses every expression and reports JSONata and ${ } syntax errors', () => {
    expect(
      brief(
        validate(
          withSteps(`
    - id: a
      uses: core.echo
      with:
        ok: "\${ input.x }"
        bad: "x = \${ 1 + }"
        open: "\${ input.x"
      when: "\${ a b c }"
    - id: b
      set: { v: "\${ 1 } and \${ 2 }" }
      output: "\${ 1 } \${ 2 }"`),
        ),
      ),
    ).toEqual([
      [
        'invalid-expression',
        'spec.steps[0].with.bad',
        'invalid expression ${ 1 + }: Unexpected end of expression (at position 3)',
        10,
        14,
      ],
      [
        'invalid-expression',
        'spec.steps[0].with.open',
        "unclosed expression: '${' at offset 0 has no matching '}'",
        11,
        15,
      ],
      [
        'invalid-expression',
        'spec.steps[0].when',
        'invalid expression ${ a b c }: Syntax error: "b" (at position 3)',
        12,
        13,
      ],
      [
        'invalid-expression',
        'spec.steps[1].output',
        'must be exactly one ${ } expression, not text around or between expressions',
        15,
        15,
      ],
    ]);
  });

  it('reports unknown step references in expressions and warns about references that may not have run', () => {
    expect(
      brief(
        validate(
          withSteps(
            `
    - id: a
      uses: core.echo
      with: { x: "\${ steps.b.output }", y: "\${ steps.nope.output }" }
    - id: b
      needs: []
      uses: core.echo
    - id: m
      needs: [a, b]
      map:
        items: "\${ steps.a.output.items }"
        steps:
          - { id: each, uses: core.echo, with: { v: "\${ item }" } }
      output: "\${ steps.each.output }"
    - id: after
      uses: core.echo
      with: { v: "\${ steps.each.output }" }`,
            `  output: "\${ steps.after.output }"`,
          ),
        ),
      ),
    ).toEqual([
      [
        'reference-not-upstream',
        'spec.steps[0].with.x',
        "expression reads steps.b, which is not guaranteed to have finished when step 'a' evaluates it (add it to needs, directly or through an upstream step)",
        8,
        18,
      ],
      [
        'unknown-step-reference',
        'spec.steps[0].with.y',
        "expression reads steps.nope, but there is no step 'nope'",
        8,
        44,
      ],
      [
        'reference-not-upstream',
        'spec.steps[2].output',
        "expression reads steps.each, which is not guaranteed to have finished when step 'm' evaluates it (add it to needs, directly or through an upstream step)",
        18,
        15,
      ],
      [
        'reference-not-upstream',
        'spec.steps[3].with.v',
        "expression reads steps.each, which is not guaranteed to have finished when step 'after' evaluates it (add it to needs, directly or through an upstream step)",
        21,
        18,
      ],
    ]);
  });

  it('scopes steps.<id> like the interpreter: siblings upstream, enclosing scopes, the compensated step, loop bodies in conditions', () => {
    expect(
      brief(
        validate(
          withSteps(`
    - id: par
      parallel:
        branches:
          - [ { id: left, uses: core.echo } ]
          - [ { id: right, uses: core.echo, with: { l: "\${ steps.left.output }" } } ]
    - id: book
      uses: core.echo
      with: { p: "\${ steps.par.output }", l: "\${ steps.left.output }" }
      compensate:
        - { id: cancel, uses: core.echo, with: { ref: "\${ steps.book.output.id }" } }
    - id: loop1
      loop:
        until: "\${ steps.check.output.done }"
        steps: [ { id: check, uses: core.echo, with: { prev: "\${ steps.book.output }" } } ]
      output: "\${ steps.check.output }"`),
        ),
      ),
    ).toEqual([
      [
        'reference-not-upstream',
        'spec.steps[0].parallel.branches[1][0].with.l',
        "expression reads steps.left, which is not guaranteed to have finished when step 'right' evaluates it (add it to needs, directly or through an upstream step)",
        10,
        56,
      ],
      [
        'reference-not-upstream',
        'spec.steps[1].with.l',
        "expression reads steps.left, which is not guaranteed to have finished when step 'book' evaluates it (add it to needs, directly or through an upstream step)",
        13,
        46,
      ],
      [
        'reference-not-upstream',
        'spec.steps[2].output',
        "expression reads steps.check, which is not guaranteed to have finished when step 'loop1' evaluates it (add it to needs, directly or through an upstream step)",
        20,
        15,
      ],
    ]);
  });

  it('reports unknown activities with a suggestion', () => {
    expect(
      brief(
        validate(
          withSteps(`
    - id: a
      uses: http.reqest`),
        ),
      ),
    ).toEqual([
      [
        'unknown-activity',
        'spec.steps[0].uses',
        "unknown activity 'http.reqest' (did you mean 'http.request'?)",
        7,
        13,
      ],
    ]);
  });

  it('checks static activity input against the input schema, skipping expression positions', () => {
    expect(
      brief(
        validate(
          withSteps(`
    - id: a
      uses: http.request
      with:
        url: "\${ input.url }"
        method: FETCH
        timeoutMs: 5
    - id: b
      uses: text.transform
      with: { text: 42 }
    - id: c
      uses: llm.chat
      with: "\${ input.request }"
    - id: d
      uses: sql.query`),
        ),
      ),
    ).toEqual([
      [
        'invalid-activity-input',
        'spec.steps[0].with.method',
        'method must be equal to one of the allowed values (input of activity http.request)',
        10,
        17,
      ],
      [
        'invalid-activity-input',
        'spec.steps[0].with.timeoutMs',
        'timeoutMs is not allowed (unknown property) (input of activity http.request)',
        11,
        9,
      ],
      [
        'invalid-activity-input',
        'spec.steps[1].with.op',
        'op is required (input of activity text.transform)',
        14,
        13,
      ],
      [
        'invalid-activity-input',
        'spec.steps[1].with.text',
        'text must be string (input of activity text.transform)',
        14,
        21,
      ],
      [
        'invalid-activity-input',
        'spec.steps[3].query',
        'query is required (input of activity sql.query)',
        18,
        7,
      ],
    ]);
  });

  it('checks that the input schema and input-step schemas are valid JSON Schemas', () => {
    expect(
      brief(
        validate(
          withSteps(
            `
    - id: ask
      input:
        schema: { type: object, properties: { n: { type: integr } } }`,
            '  input: { type: object, requried: [x] }',
          ),
        ),
      ),
    ).toEqual([
      [
        'invalid-input-schema',
        'spec.steps[0].input.schema',
        'schema is not a valid JSON Schema: schema is invalid: data/properties/n/type must be equal to one of the allowed values, data/properties/n/type must be array, data/properties/n/type must match a schema in anyOf',
        8,
        17,
      ],
      [
        'invalid-input-schema',
        'spec.input',
        'input is not a valid JSON Schema: strict mode: unknown keyword: "requried"',
        9,
        10,
      ],
    ]);
  });

  it('reports unknown sub-pipelines and checks static input against the child plan', () => {
    const subPlans = new Map([['child@2', childPlan]]);
    expect(
      brief(
        validate(
          withSteps(`
    - id: a
      pipeline: { name: child, version: 3 }
    - id: b
      pipeline: { name: child, version: 2 }
      with: { doc: 7 }
    - id: c
      pipeline: { name: child, version: 2 }
      with: { doc: "\${ input.doc }" }`),
          { subPlans },
        ),
      ),
    ).toEqual([
      ['unknown-pipeline', 'spec.steps[0].pipeline', "unknown pipeline 'child@3'", 7, 17],
      [
        'invalid-pipeline-input',
        'spec.steps[1].with.doc',
        'doc must be string (input of pipeline child@2)',
        10,
        20,
      ],
    ]);
  });

  it('checks join, quorum, retry intervals and the schedule', () => {
    expect(
      brief(
        validate(
          withSteps(
            `
    - id: par
      parallel:
        join: { atLeast: 3 }
        branches: [ [ { id: x, uses: core.echo } ], [ { id: y, uses: core.echo } ] ]
    - id: ok
      approval: { approvers: { users: [ann, bob] }, quorum: 3 }
    - id: r
      uses: core.echo
      retry: { initialInterval: 2m, maxInterval: 1m }`,
            [
              '  input: { type: object, required: [day] }',
              '  schedule: { cron: "0 9 * *", timezone: Mars/Olympus, input: {} }',
            ].join('\n'),
          ),
        ),
      ),
    ).toEqual([
      [
        'invalid-join',
        'spec.steps[0].parallel.join.atLeast',
        'join atLeast 3 exceeds the 2 branch(es)',
        8,
        26,
      ],
      ['invalid-quorum', 'spec.steps[1].approval.quorum', 'quorum 3 exceeds the 2 listed user(s)', 11, 61],
      [
        'invalid-retry',
        'spec.steps[2].retry',
        'retry maxInterval (60000ms) is shorter than initialInterval (120000ms)',
        14,
        14,
      ],
      [
        'invalid-schedule',
        'spec.schedule.cron',
        'cron must have 5 fields (minute hour day-of-month month day-of-week) or be a macro such as @daily; got 4 field(s)',
        16,
        21,
      ],
      ['invalid-schedule', 'spec.schedule.timezone', "unknown time zone 'Mars/Olympus'", 16, 42],
      ['invalid-schedule', 'spec.schedule.input.day', 'day is required (scheduled run input)', 16, 63],
    ]);
  });

  it('reports every problem of a document at once', () => {
    const empty: ActivityCatalog = new Map();
    const problems = validate(
      withSteps(`
    - id: a
      uses: core.echo
      needs: [zz]
      with: { v: "\${ steps.q.output }" }
    - id: a
      uses: core.echo`),
      { catalog: empty },
    );
    expect(problems.map((p) => p.code)).toEqual([
      'unknown-activity',
      'unknown-step-reference',
      'unknown-step-reference',
      'duplicate-step-id',
      'unknown-activity',
    ]);
  });
});
