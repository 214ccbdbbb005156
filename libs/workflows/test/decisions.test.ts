import { describe, expect, it } from 'vitest';
import {
  batchWorkflowId,
  branchPrefix,
  canonicalJson,
  casePrefix,
  childWorkflowId,
  deepMerge,
  isStuck,
  isWithin,
  itemPrefix,
  joinVerdict,
  jsonByteLength,
  maxBy,
  mergeBranches,
  outputPreview,
  partitionWithin,
  planBatches,
  readySteps,
  reduceAsync,
  shouldContinueAsNew,
  splitConcurrency,
  spreadConcurrency,
  toActivityTimeouts,
  toJson,
  toRetryPolicy,
  truthy,
  unwindOrder,
  vote,
  type BranchResult,
  type CompensationEntry,
  type NodeState,
} from '../src/index';

describe('schedule', () => {
  const steps = [
    { id: 'a', needs: [] },
    { id: 'b', needs: [] },
    { id: 'c', needs: ['a', 'b'] },
    { id: 'd', needs: ['c', 'elsewhere'] },
  ];
  const states = (m: Record<string, NodeState>) => (id: string) => m[id] ?? 'pending';
  it('starts independent steps together and waits for every need', () => {
    expect(readySteps(steps, states({}))).toEqual(['a', 'b']);
    expect(readySteps(steps, states({ a: 'done', b: 'running' }))).toEqual([]);
    expect(readySteps(steps, states({ a: 'done', b: 'done' }))).toEqual(['c']);
    expect(readySteps(steps, states({ a: 'done', b: 'done', c: 'done' }))).toEqual(['d']);
  });
  it('detects a cycle', () => {
    const cyc = [
      { id: 'x', needs: ['y'] },
      { id: 'y', needs: ['x'] },
    ];
    expect(isStuck(cyc, () => 'pending')).toBe(true);
    expect(isStuck(steps, states({}))).toBe(false);
  });
});

describe('join', () => {
  it('all / any / first / atLeast', () => {
    expect(joinVerdict({ mode: 'all' }, 3, 2, 0)).toBe('wait');
    expect(joinVerdict({ mode: 'all' }, 3, 3, 0)).toBe('succeed');
    expect(joinVerdict({ mode: 'all' }, 3, 2, 1)).toBe('fail');
    expect(joinVerdict({ mode: 'any' }, 3, 0, 2)).toBe('wait');
    expect(joinVerdict({ mode: 'any' }, 3, 1, 2)).toBe('succeed');
    expect(joinVerdict({ mode: 'any' }, 3, 0, 3)).toBe('fail');
    expect(joinVerdict({ mode: 'first' }, 3, 0, 0)).toBe('wait');
    expect(joinVerdict({ mode: 'first' }, 3, 0, 1)).toBe('fail');
    expect(joinVerdict({ mode: 'first' }, 3, 1, 0)).toBe('succeed');
    expect(joinVerdict({ mode: 'atLeast', n: 2 }, 4, 1, 1)).toBe('wait');
    expect(joinVerdict({ mode: 'atLeast', n: 2 }, 4, 2, 1)).toBe('succeed');
    expect(joinVerdict({ mode: 'atLeast', n: 2 }, 4, 1, 3)).toBe('fail');
    expect(joinVerdict({ mode: 'all' }, 0, 0, 0)).toBe('succeed');
  });
});

describe('merge', () => {
  const branches: BranchResult[] = [
    { index: 1, completion: 0, output: { a: { y: 2 }, list: [2] } },
    { index: 0, completion: 1, output: { a: { x: 1 }, list: [1], k: 'v' } },
  ];
  it('deep merges in branch order, later replacing arrays and scalars', () => {
    expect(mergeBranches('deep', branches)).toEqual({ a: { x: 1, y: 2 }, list: [2], k: 'v' });
    expect(deepMerge({ a: 1 }, 5)).toBe(5);
  });
  it('shallow, append, collect, first', () => {
    expect(mergeBranches('shallow', branches)).toEqual({ a: { y: 2 }, list: [2], k: 'v' });
    expect(
      mergeBranches('append', [
        { index: 0, completion: 0, output: [1, 2] },
        { index: 1, completion: 1, output: 3 },
        { index: 2, completion: 2, output: null },
      ]),
    ).toEqual([1, 2, 3]);
    expect(mergeBranches('collect', branches)).toEqual([branches[1]?.output, branches[0]?.output]);
    expect(mergeBranches('first', branches)).toEqual(branches[0]?.output);
    expect(mergeBranches('first', [])).toBeNull();
    expect(mergeBranches('deep', [])).toBeNull();
  });
});

describe('aggregate', () => {
  it('vote picks the most frequent key, first on ties', () => {
    expect(vote(['a', 'b', 'b', 'a', 'c'], ['a', 'b', 'b', 'a', 'c'])).toEqual({
      winner: 'a',
      votes: 2,
      total: 5,
    });
    expect(vote([{ x: 1 }, { x: 2 }, { x: 3 }], ['no', 'yes', 'yes']).winner).toEqual({ x: 2 });
    expect(vote([{ b: 1, a: 2 }, { a: 2, b: 1 }, 'z'], [{ b: 1, a: 2 }, { a: 2, b: 1 }, 'z']).votes).toBe(2);
    expect(vote([], []).winner).toBeNull();
  });
  it('maxBy takes the greatest number/string key, first on ties, ignoring other keys', () => {
    expect(maxBy(['a', 'b', 'c', 'd'], [3, 7, 7, null])).toBe('b');
    expect(maxBy(['a', 'b'], [null, { x: 1 }])).toBeNull();
    expect(maxBy(['a', 'b'], ['apple', 'pear'])).toBe('b');
  });
  it('reduce folds left', async () => {
    expect(await reduceAsync([1, 2, 3], 10, async (acc, o) => (acc as number) * 2 + (o as number))).toBe(
      10 * 8 + 4 + 4 + 3,
    );
  });
});

describe('retry and timeouts', () => {
  it('maps a retry plan to a Temporal RetryPolicy', () => {
    expect(
      toRetryPolicy({
        maxAttempts: 5,
        initialIntervalMs: 1000,
        backoffCoefficient: 2,
        maxIntervalMs: 60_000,
        nonRetryable: ['InvalidRequest'],
      }),
    ).toEqual({
      maximumAttempts: 5,
      initialInterval: 1000,
      backoffCoefficient: 2,
      maximumInterval: 60_000,
      nonRetryableErrorTypes: ['InvalidRequest'],
    });
    const clamped = toRetryPolicy({
      maxAttempts: 0,
      initialIntervalMs: 0,
      backoffCoefficient: 0.5,
      maxIntervalMs: 0,
      nonRetryable: [],
    });
    expect(clamped).toMatchObject({
      maximumAttempts: 0,
      initialInterval: 1,
      backoffCoefficient: 1,
      maximumInterval: 1,
    });
  });
  it('keeps timeouts explicit', () => {
    expect(toActivityTimeouts({ startToCloseMs: 300 })).toEqual({ startToCloseTimeout: 300 });
    expect(toActivityTimeouts({ startToCloseMs: 300, scheduleToCloseMs: 900, heartbeatMs: 100 })).toEqual({
      startToCloseTimeout: 300,
      scheduleToCloseTimeout: 900,
      heartbeatTimeout: 100,
    });
  });
});

describe('values and previews', () => {
  it('truthy follows JSONata $boolean', () => {
    expect([null, undefined, false, 0, '', [], {}, [0, '']].map(truthy)).toEqual(Array(8).fill(false));
    expect([true, 1, 'x', [0, 1], { a: null }].map(truthy)).toEqual(Array(5).fill(true));
  });
  it('toJson cleans expression results', () => {
    expect(toJson(undefined)).toBeNull();
    expect(toJson({ a: undefined, b: [1, undefined, NaN], f: () => 1 })).toEqual({ b: [1, null] });
  });
  it('canonical JSON ignores key order; byte length counts UTF-8', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(jsonByteLength('é€😀')).toBe(2 + 2 + 3 + 4);
  });
  it('previews are bounded to 512 characters', () => {
    const long = outputPreview('x'.repeat(5000));
    expect(long?.length).toBe(512);
    expect(long?.endsWith('…')).toBe(true);
    expect(outputPreview({ a: 1 })).toBe('{"a":1}');
    expect(outputPreview(undefined)).toBeUndefined();
  });
});

describe('batching', () => {
  it('runs inline up to batchSize, then in batches', () => {
    expect(planBatches(100, 100, 200)).toEqual([]);
    expect(planBatches(250, 100, 200)).toEqual([
      { from: 0, to: 100 },
      { from: 100, to: 200 },
      { from: 200, to: 250 },
    ]);
  });
  it('caps the number of children by growing ranges (children split again)', () => {
    const ranges = planBatches(1_000_000, 100, 200);
    expect(ranges).toHaveLength(200);
    expect(ranges[0]).toEqual({ from: 0, to: 5000 });
    expect(ranges.at(-1)?.to).toBe(1_000_000);
  });
  it('never exceeds the map concurrency overall', () => {
    expect(splitConcurrency(20, 100)).toEqual({ perChild: 20, parallelChildren: 1 });
    expect(splitConcurrency(100, 10)).toEqual({ perChild: 10, parallelChildren: 10 });
    expect(splitConcurrency(25, 10)).toEqual({ perChild: 10, parallelChildren: 2 });
  });

  it('spreads concurrency over as many batch children as it allows', () => {
    expect(spreadConcurrency(100, 20)).toEqual({ perChild: 5, parallelChildren: 20 });
    expect(spreadConcurrency(10, 20)).toEqual({ perChild: 1, parallelChildren: 10 });
    expect(spreadConcurrency(100, 3)).toEqual({ perChild: 33, parallelChildren: 3 });
    expect(spreadConcurrency(0, 5)).toEqual({ perChild: 1, parallelChildren: 1 });
  });
  it('continues as new on long histories', () => {
    expect(shouldContinueAsNew(100, false, 6000)).toBe(false);
    expect(shouldContinueAsNew(6000, false, 6000)).toBe(true);
    expect(shouldContinueAsNew(10, true, 6000)).toBe(true);
  });
});

describe('paths and saga order', () => {
  it('builds runtime paths and child ids', () => {
    expect(itemPrefix('m', 17) + 'x').toBe('m[17]/x');
    expect(branchPrefix('enrich', 0) + 'crm').toBe('enrich/branch[0]/crm');
    expect(casePrefix('route', 'default')).toBe('route/default/');
    expect(childWorkflowId('run-1', 'loop[2]/kid')).toBe('run-1/loop[2]/kid');
    expect(batchWorkflowId('run-1', 'm', 100, 200)).toBe('run-1/m[100-199]');
    expect(isWithin('m[1]/x', 'm')).toBe(true);
    expect(isWithin('m2/x', 'm')).toBe(false);
    expect(isWithin('p/branch[1]/x', 'p/branch[1]')).toBe(true);
    expect(isWithin('p/branch[10]/x', 'p/branch[1]')).toBe(false);
  });
  it('unwinds in reverse completion order and partitions by subtree', () => {
    const e = (stepPath: string): CompensationEntry => ({
      stepPath,
      stepId: stepPath,
      steps: [],
      visible: {},
    });
    const entries = [e('a'), e('m[0]/x'), e('m[1]/x'), e('b')];
    expect(unwindOrder(entries).map((x) => x.stepPath)).toEqual(['b', 'm[1]/x', 'm[0]/x', 'a']);
    const { inside, outside } = partitionWithin(entries, 'm');
    expect(inside.map((x) => x.stepPath)).toEqual(['m[0]/x', 'm[1]/x']);
    expect(outside.map((x) => x.stepPath)).toEqual(['a', 'b']);
  });
});
