import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/common/errors/domain.error';
import { applyMergePatch } from '../src/runs/json-merge-patch';
import { decodeRunCursor, encodeRunCursor } from '../src/runs/run-cursor';
import { buildStepTree, parentPathOf } from '../src/runs/step-tree';
import { listRunsQuerySchema } from '../src/runs/dto/list-runs.dto';
import { retryRunSchema } from '../src/runs/dto/run-control.dto';
import { toFilter } from '../src/runs/runs.service';

describe('run cursors', () => {
  const filter = { status: ['running' as const], pipeline: 'hello' };
  const key = { createdAt: '2026-11-21T10:00:00.123456Z', id: 'hello-20261121-abcdefgh' };

  it('round-trip exactly (microseconds included) and are opaque', () => {
    const cursor = encodeRunCursor(key, filter);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeRunCursor(cursor, { pipeline: 'hello', status: ['running'] })).toEqual(key);
  });

  it('are refused for another filter or when forged', () => {
    const cursor = encodeRunCursor(key, filter);
    expect(() => decodeRunCursor(cursor, { pipeline: 'other' })).toThrow(DomainError);
    expect(() => decodeRunCursor('not-a-cursor', filter)).toThrow(/invalid cursor/);
    expect(() => decodeRunCursor(Buffer.from('{"v":1}').toString('base64url'), filter)).toThrow(DomainError);
  });
});

describe('list query', () => {
  it('parses comma-separated and repeated statuses, defaults and bounds', () => {
    const q = listRunsQuerySchema.parse({ status: 'running,failed', limit: '5' });
    expect(q).toEqual(expect.objectContaining({ status: ['running', 'failed'], limit: 5, parent: 'any' }));
    expect(listRunsQuerySchema.parse({ status: ['succeeded', 'waiting'] }).status).toEqual([
      'succeeded',
      'waiting',
    ]);
    expect(listRunsQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(listRunsQuerySchema.safeParse({ status: 'done' }).success).toBe(false);
    expect(listRunsQuerySchema.safeParse({ createdAfter: 'yesterday' }).success).toBe(false);
    expect(toFilter(listRunsQuerySchema.parse({ parent: 'none', tag: 'x' }))).toEqual({
      tag: 'x',
      parentRunId: null,
    });
  });

  it('retry: inputPatch only with rerun', () => {
    expect(retryRunSchema.parse({})).toEqual({ mode: 'rerun' });
    expect(retryRunSchema.safeParse({ mode: 'reset', inputPatch: { a: 1 } }).success).toBe(false);
  });
});

describe('applyMergePatch (RFC 7396)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('does not modify the target', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('step tree', () => {
  const paths = [
    'fetch',
    'enrich',
    'enrich/branch[0]/crm',
    'enrich/branch[1]/history',
    'replies',
    'replies[0]/draft',
    'replies[1]/draft',
    'route',
    'route/case[1]/x',
    'route/default/y',
    'book',
    'book/compensate/cancel',
    'loop',
    'loop[2]/fetch',
    'orphan[3]/z',
  ];
  const tree = buildStepTree(paths.map((path) => ({ path })));

  it('nests by runtime path', () => {
    expect(tree.roots.map((s) => s.path)).toEqual([
      'fetch',
      'enrich',
      'replies',
      'route',
      'book',
      'loop',
      'orphan[3]/z',
    ]);
    expect(tree.childrenOf.get('enrich')?.map((s) => s.path)).toEqual([
      'enrich/branch[0]/crm',
      'enrich/branch[1]/history',
    ]);
    expect(tree.childrenOf.get('replies')?.map((s) => s.path)).toEqual([
      'replies[0]/draft',
      'replies[1]/draft',
    ]);
    expect(tree.childrenOf.get('route')?.map((s) => s.path)).toEqual(['route/case[1]/x', 'route/default/y']);
    expect(tree.parentOf.get('book/compensate/cancel')).toBe('book');
    expect(tree.parentOf.get('loop[2]/fetch')).toBe('loop');
    expect(tree.parentOf.get('fetch')).toBeNull();
  });

  it('prefers the nearest enclosing step', () => {
    const set = new Set(['a', 'a[1]/b', 'a[1]/b/branch[0]/c']);
    expect(parentPathOf('a[1]/b/branch[0]/c', (p) => set.has(p))).toBe('a[1]/b');
  });

  it('builds 5,000 steps quickly', () => {
    const steps = [{ path: 'fan' }, ...Array.from({ length: 4999 }, (_, i) => ({ path: `fan[${i}]/work` }))];
    const started = performance.now();
    const big = buildStepTree(steps);
    expect(performance.now() - started).toBeLessThan(500);
    expect(big.childrenOf.get('fan')).toHaveLength(4999);
  });
});
