import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { CircuitBreakersRepository, createPool } from '@flowgate/store';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CIRCUIT_OPEN, CircuitBreaker, type CallOutcome } from '../src/index';

let pool: Pool;
let repo: CircuitBreakersRepository;
const failure = { threshold: 3, coolDownMs: 400, error: 'HttpServerError: 503' };
const dep = () => `http://dep-${randomUUID().slice(0, 8)}.test`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  pool = createPool(inject('databaseUrl'), { max: 25 });
  repo = new CircuitBreakersRepository(pool);
});
afterAll(() => pool.end());

describe('CircuitBreakersRepository (atomic SQL transitions)', () => {
  it('opens after N consecutive failures; a success in between resets the count', async () => {
    const d = dep();
    await repo.recordFailure(d, 'a', failure);
    await repo.recordFailure(d, 'a', failure);
    expect(await repo.recordSuccess(d, 'a')).toEqual({ changed: true, closed: false });
    expect((await repo.get(d))?.consecutiveFailures).toBe(0);
    expect(await repo.recordSuccess(d, 'a')).toEqual({ changed: false, closed: false });
    await repo.recordFailure(d, 'a', failure);
    await repo.recordFailure(d, 'b', failure);
    const third = await repo.recordFailure(d, 'c', failure);
    expect(third).toEqual({ state: 'open', opened: true, consecutiveFailures: 3 });
    const open = (await repo.get(d))!;
    expect(open).toMatchObject({
      state: 'open',
      consecutiveFailures: 3,
      lastError: 'HttpServerError: 503',
      probeInFlight: false,
    });
    expect(open.retryInMs).toBeGreaterThan(200);
    expect(open.retryInMs).toBeLessThanOrEqual(400);
    // Failures of calls admitted before it opened change nothing.
    expect(await repo.recordFailure(d, 'late', failure)).toMatchObject({ state: 'open', opened: false });
  });

  it('opens on the first failure when the threshold is 1', async () => {
    const d = dep();
    expect(await repo.recordFailure(d, 'a', { ...failure, threshold: 1 })).toMatchObject({
      state: 'open',
      opened: true,
    });
  });

  it('half-opens after the cool-down and gives the probe lease to exactly one of many callers', async () => {
    const d = dep();
    for (let i = 0; i < 3; i++) await repo.recordFailure(d, 'w', failure);
    expect((await repo.tryAcquireProbe(d, 'early', 10_000)).acquired).toBe(false);
    await sleep(450);
    expect((await repo.get(d))?.state).toBe('half_open');
    const holders = Array.from({ length: 20 }, (_, i) => `h${i}`);
    const results = await Promise.all(holders.map((h) => repo.tryAcquireProbe(d, h, 10_000)));
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const half = (await repo.get(d))!;
    expect(half).toMatchObject({ state: 'half_open', probeInFlight: true });
    expect(half.retryInMs).toBeGreaterThan(9_000);
  });

  it("closes on the probe's success; only the probe's verdict counts", async () => {
    const d = dep();
    for (let i = 0; i < 3; i++) await repo.recordFailure(d, 'w', failure);
    await sleep(450);
    expect((await repo.tryAcquireProbe(d, 'probe', 10_000)).acquired).toBe(true);
    // A late failure from another caller does not re-open a half-open circuit.
    expect(await repo.recordFailure(d, 'other', failure)).toMatchObject({
      state: 'half_open',
      opened: false,
    });
    expect(await repo.recordSuccess(d, 'other')).toEqual({ changed: false, closed: false });
    expect(await repo.recordSuccess(d, 'probe')).toEqual({ changed: true, closed: true });
    expect(await repo.get(d)).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
      openedAt: null,
      halfOpenAt: null,
    });
  });

  it("re-opens for another cool-down on the probe's failure", async () => {
    const d = dep();
    for (let i = 0; i < 3; i++) await repo.recordFailure(d, 'w', failure);
    await sleep(450);
    expect((await repo.tryAcquireProbe(d, 'probe', 10_000)).acquired).toBe(true);
    expect(await repo.recordFailure(d, 'probe', failure)).toMatchObject({ state: 'open', opened: true });
    const again = (await repo.get(d))!;
    expect(again.state).toBe('open');
    expect(again.retryInMs).toBeGreaterThan(300);
  });

  it('lets the next caller probe when the lease is released or expires', async () => {
    const d = dep();
    for (let i = 0; i < 3; i++) await repo.recordFailure(d, 'w', failure);
    await sleep(450);
    expect((await repo.tryAcquireProbe(d, 'p1', 10_000)).acquired).toBe(true);
    await repo.releaseProbe(d, 'p1');
    expect((await repo.tryAcquireProbe(d, 'p2', 150)).acquired).toBe(true);
    expect((await repo.tryAcquireProbe(d, 'p3', 150)).acquired).toBe(false);
    await sleep(200); // p2 crashed: its lease runs out
    expect((await repo.tryAcquireProbe(d, 'p3', 150)).acquired).toBe(true);
  });

  it('lists circuits with their effective state, filterable', async () => {
    const d = dep();
    await repo.recordFailure(d, 'a', { ...failure, threshold: 1 });
    const all = await repo.list();
    expect(all.find((c) => c.dependency === d)?.state).toBe('open');
    expect((await repo.list({ state: 'closed' })).some((c) => c.dependency === d)).toBe(false);
    expect(await repo.reset(d)).toBe(true);
    expect((await repo.get(d))?.state).toBe('closed');
  });
});

describe('CircuitBreaker', () => {
  const boom = () => ApplicationFailure.create({ type: 'HttpServerError', message: 'HTTP 503' });
  const classify = (r: { ok: boolean }): CallOutcome => (r.ok ? 'success' : 'failure');

  it('fails fast with a retryable CircuitOpen whose next retry delay is the time until half-open', async () => {
    const breaker = new CircuitBreaker(repo, { failureThreshold: 2, coolDownMs: 1_000 });
    const d = dep();
    let calls = 0;
    const failing = () =>
      breaker.run({
        dependency: d,
        timeoutMs: 1_000,
        call: async () => (calls++, Promise.reject(boom())),
        classify,
      });
    await expect(failing()).rejects.toMatchObject({ type: 'HttpServerError' });
    await expect(failing()).rejects.toMatchObject({ type: 'HttpServerError' });
    const err = (await failing().catch((e: unknown) => e)) as ApplicationFailure;
    expect(calls).toBe(2);
    expect(err.type).toBe(CIRCUIT_OPEN);
    expect(err.nonRetryable).toBe(false);
    expect(err.nextRetryDelay).toBeGreaterThan(800);
    expect(err.nextRetryDelay).toBeLessThanOrEqual(1_000);
    expect((await breaker.circuitStates()).find((c) => c.dependency === d)?.state).toBe('open');
  });

  it('half-open: one probe goes through while the others fail fast; its success closes', async () => {
    const breaker = new CircuitBreaker(repo, { failureThreshold: 1, coolDownMs: 300 });
    const d = dep();
    await expect(
      breaker.run({ dependency: d, timeoutMs: 1_000, call: () => Promise.reject(boom()), classify }),
    ).rejects.toThrow();
    await sleep(350);
    let calls = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        breaker.run({
          dependency: d,
          timeoutMs: 1_000,
          call: async () => (calls++, await sleep(200), 'ok'),
          classify,
        }),
      ),
    );
    expect(calls).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(7);
    for (const r of rejected) {
      expect(r.reason).toMatchObject({ type: CIRCUIT_OPEN, nonRetryable: false });
      expect((r.reason as ApplicationFailure).nextRetryDelay).toBeLessThanOrEqual(1_000);
    }
    expect((await repo.get(d))?.state).toBe('closed');
    expect(await breaker.run({ dependency: d, timeoutMs: 1_000, call: async () => 'again', classify })).toBe(
      'again',
    );
  });

  it('a neutral probe (cancelled) gives the lease back', async () => {
    const breaker = new CircuitBreaker(repo, { failureThreshold: 1, coolDownMs: 100 });
    const d = dep();
    await expect(
      breaker.run({ dependency: d, timeoutMs: 1_000, call: () => Promise.reject(boom()), classify }),
    ).rejects.toThrow();
    await sleep(150);
    await expect(
      breaker.run({
        dependency: d,
        timeoutMs: 60_000,
        call: () => Promise.reject(new Error('cancelled')),
        classify: () => 'neutral',
      }),
    ).rejects.toThrow('cancelled');
    expect(await repo.get(d)).toMatchObject({ state: 'half_open', probeInFlight: false });
  });

  it('fails open when PostgreSQL is unavailable', async () => {
    const deadPool = createPool('postgres://nobody@127.0.0.1:1/none', { connectionTimeoutMillis: 500 });
    const breaker = new CircuitBreaker(new CircuitBreakersRepository(deadPool), { failureThreshold: 1 });
    expect(
      await breaker.run({ dependency: dep(), timeoutMs: 1_000, call: async () => 'called', classify }),
    ).toBe('called');
    await deadPool.end();
  });
});
