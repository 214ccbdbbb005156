import { describe, expect, it } from 'vitest';
import { BucketedRateLimitStorage } from '../src/auth/bucketed-rate-limit.storage';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000; // a bucket boundary (a multiple of 1 s)

function clocked() {
  let now = T0;
  const storage = new BucketedRateLimitStorage(() => now);
  return {
    storage,
    at: (ms: number) => (now = T0 + ms),
    hit: (limit: number, blockDuration = MINUTE, key = 'k') =>
      storage.increment(key, MINUTE, limit, blockDuration, 'default'),
  };
}

describe('BucketedRateLimitStorage', () => {
  it('lets `limit` hits through, then blocks the key for the block duration without counting', async () => {
    const c = clocked();
    for (let i = 1; i <= 3; i++) expect(await c.hit(3)).toMatchObject({ totalHits: i, isBlocked: false });
    c.at(10_000);
    expect(await c.hit(3)).toEqual({
      totalHits: 4,
      timeToExpire: 50,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
    c.at(40_000);
    // Still blocked; refused hits are not counted.
    expect(await c.hit(3)).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 30 });
    c.at(70_000);
    // The block is over, and it outlasted every hit that led to it: counting starts again.
    expect(await c.hit(3)).toMatchObject({ totalHits: 1, isBlocked: false });
    for (const [t, total] of [
      [71_000, 2],
      [72_000, 3],
    ] as const) {
      c.at(t);
      expect(await c.hit(3)).toMatchObject({
        totalHits: total,
        isBlocked: false,
        timeToExpire: 60 - (t - 70_000) / 1000,
      });
    }
    c.at(73_000);
    expect((await c.hit(3)).isBlocked).toBe(true);
  });

  it('slides: a hit leaves the window one window length after its second (no block duration)', async () => {
    const c = clocked();
    for (const t of [0, 10_000, 20_000]) {
      c.at(t);
      expect((await c.hit(3, 0)).isBlocked).toBe(false);
    }
    c.at(30_000);
    expect(await c.hit(3, 0)).toEqual({
      totalHits: 3,
      timeToExpire: 30,
      isBlocked: true,
      timeToBlockExpire: 30,
    });
    c.at(59_999);
    expect((await c.hit(3, 0)).isBlocked).toBe(true);
    c.at(60_000);
    expect(await c.hit(3, 0)).toMatchObject({ totalHits: 3, isBlocked: false, timeToExpire: 10 });
    // After a quiet window, the count starts again from zero.
    c.at(200_000);
    expect(await c.hit(3, 0)).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('counts keys and throttlers apart, and forgets idle keys', async () => {
    const c = clocked();
    await c.hit(1, MINUTE, 'a');
    expect((await c.hit(1, MINUTE, 'a')).isBlocked).toBe(true);
    expect((await c.hit(1, MINUTE, 'b')).isBlocked).toBe(false);
    expect((await c.storage.increment('a', MINUTE, 1, MINUTE, 'other')).isBlocked).toBe(false);
    expect(c.storage.size).toBe(3);
    c.at(5 * MINUTE);
    await c.hit(1, MINUTE, 'c');
    expect(c.storage.size).toBe(1);
  });

  it('takes any number of hits in a window (the library storage, without a block duration, throws past ~120,000)', async () => {
    const c = clocked();
    let last;
    for (let i = 0; i < 200_000; i++) {
      c.at(Math.floor(i / 4)); // 200,000 hits over 50 s
      last = await c.hit(10_000_000, 0);
    }
    // The hits of second 0 leave the window in 10.001 s.
    expect(last).toMatchObject({ totalHits: 200_000, isBlocked: false, timeToExpire: 11 });
  });
});
