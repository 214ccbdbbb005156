import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  approval,
  compilePipeline,
  expr,
  fail,
  inputStep,
  loop,
  map,
  parallel,
  parseDocumentValue,
  parsePipelineText,
  pipeline,
  set,
  subPipeline,
  switchOn,
  uses,
  wait,
  type PipelineDocument,
} from '../src';
import { catalog } from './fixtures';

function parse(text: string): PipelineDocument {
  const parsed = parsePipelineText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems, null, 2));
  return parsed.document;
}

describe('pipeline builder', () => {
  it('builds exactly the document of examples/hello.yaml', () => {
    const built = pipeline('hello', 1)
      .description('Greets someone, then shouts the greeting.')
      .input({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } })
      .step(uses('greet', 'core.echo', { message: 'Hello, ${ input.name }!' }))
      .step(uses('shout', 'text.transform', { text: expr('steps.greet.output.message'), op: 'upper' }))
      .output(expr("{ 'greeting': steps.greet.output.message, 'shout': steps.shout.output.text }"))
      .build();
    const yaml = parse(readFileSync(join(__dirname, '../../../examples/hello.yaml'), 'utf8'));
    expect(built).toStrictEqual(yaml);
    expect(compilePipeline(built, { catalog }).digest).toBe(compilePipeline(yaml, { catalog }).digest);
  });

  it('builds every step kind and every option the same way YAML does', () => {
    const built = pipeline('all-kinds', 2)
      .tags('demo', 'builder')
      .defaults({ retry: { maxAttempts: 4 }, timeout: { startToClose: '10s' } })
      .step(
        uses(
          'a',
          'core.echo',
          { v: 1 },
          { retry: { nonRetryable: ['Bad'] }, timeout: { heartbeat: '5s' }, tags: ['x'] },
        ),
        parallel('p', [[set('s1', { k: expr('input') })], [wait('w1', { duration: '1m' })]], {
          merge: 'deep',
          join: { atLeast: 1 },
        }),
        map('m', expr('input.items'), [uses('each', 'core.echo', { item: expr('item') })], {
          concurrency: 4,
          aggregate: { maxBy: expr('output.score') },
          onError: 'continue',
        }),
        switchOn(
          'sw',
          [{ when: expr('input.x > 1'), steps: [fail('f', 'too big', 'TooBig')] }],
          [set('d', { ok: true })],
        ),
        loop('l', { until: expr('steps.n.output.done'), maxIterations: 5 }, [uses('n', 'core.echo')]),
        wait('w2', { until: '2030-01-01T00:00:00Z' }, { needs: ['a'] }),
        subPipeline('child', { name: 'kid', version: 3 }, { q: 1 }, { when: expr('true') }),
        approval('ok', { approvers: { roles: ['lead'] }, quorum: 1, timeout: '1d', onTimeout: 'reject' }),
        inputStep('ask', { schema: { type: 'object' }, message: 'please' }),
        uses('book', 'core.echo', undefined, {
          onError: 'compensate',
          compensate: [uses('unbook', 'core.echo')],
        }),
      )
      .output(expr('steps.book.output'))
      .schedule({ cron: '@daily', timezone: 'UTC' })
      .build();

    const yaml = parse(`
apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: all-kinds, version: 2, tags: [demo, builder] }
spec:
  defaults: { retry: { maxAttempts: 4 }, timeout: { startToClose: 10s } }
  steps:
    - { id: a, uses: core.echo, with: { v: 1 }, retry: { nonRetryable: [Bad] }, timeout: { heartbeat: 5s }, tags: [x] }
    - id: p
      parallel:
        merge: deep
        join: { atLeast: 1 }
        branches:
          - [ { id: s1, set: { k: "\${ input }" } } ]
          - [ { id: w1, wait: { duration: 1m } } ]
    - id: m
      onError: continue
      map:
        items: "\${ input.items }"
        concurrency: 4
        aggregate: { maxBy: "\${ output.score }" }
        steps: [ { id: each, uses: core.echo, with: { item: "\${ item }" } } ]
    - id: sw
      switch:
        cases: [ { when: "\${ input.x > 1 }", steps: [ { id: f, fail: { message: too big, errorType: TooBig } } ] } ]
        default: [ { id: d, set: { ok: true } } ]
    - id: l
      loop: { until: "\${ steps.n.output.done }", maxIterations: 5, steps: [ { id: n, uses: core.echo } ] }
    - { id: w2, needs: [a], wait: { until: "2030-01-01T00:00:00Z" } }
    - { id: child, when: "\${ true }", pipeline: { name: kid, version: 3 }, with: { q: 1 } }
    - { id: ok, approval: { approvers: { roles: [lead] }, quorum: 1, timeout: 1d, onTimeout: reject } }
    - { id: ask, input: { schema: { type: object }, message: please } }
    - id: book
      uses: core.echo
      onError: compensate
      compensate: [ { id: unbook, uses: core.echo } ]
  output: "\${ steps.book.output }"
  schedule: { cron: "@daily", timezone: UTC }
`);
    expect(built).toStrictEqual(yaml);
    expect(parseDocumentValue(built)).toEqual({ ok: true, document: yaml });
  });

  it('returns independent copies from build()', () => {
    const b = pipeline('p', 1).step(uses('a', 'core.echo'));
    const first = b.build();
    b.step(uses('b', 'core.echo'));
    expect(first.spec.steps.map((s) => s.id)).toEqual(['a']);
    expect(b.build().spec.steps.map((s) => s.id)).toEqual(['a', 'b']);
  });
});
