import type { ThrottlerStorage } from '@nestjs/throttler';

type RateRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Buckets per window: hits are counted per 1/60 of the window (per second for a minute). */
const BUCKETS = 60;

interface Counter {
  /** Width of a bucket (ms) and the window's bucket count. */
  width: number;
  size: number;
  counts: number[];
  /** Absolute bucket number (time / width) each slot holds. */
  slots: number[];
  /** Hits in the window. */
  total: number;
  /** The newest bucket number seen. */
  last: number;
  blockedUntil: number;
}

/**
 * In-process rate-limit storage for @nestjs/throttler with O(1) work per request: hits are
 * counted in 60 buckets per window (a sliding window with 1/60 of its length as resolution), not
 * kept one timestamp per request. The library's in-memory storage keeps every hit's expiry and
 * copies the whole list on each request (at 1,000 requests/s a key's list holds 60,000 entries);
 * without a block duration it also spreads the list into `Math.min`, which throws once a key has
 * more than ~120,000 hits in a window. Semantics follow the library's: a hit over
 * the limit blocks the key for `blockDuration` (ms), during which hits are refused and not
 * counted; with `blockDuration` ≤ 0 a request is refused while the window is full.
 */
export class BucketedRateLimitStorage implements ThrottlerStorage {
  private readonly counters = new Map<string, Counter>();
  private sweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<RateRecord> {
    const now = this.now();
    this.sweep(now, ttl);
    const id = `${throttlerName}\u0000${key}`;
    let counter = this.counters.get(id);
    if (!counter) {
      const width = Math.max(1, Math.ceil(ttl / BUCKETS));
      const size = Math.max(1, Math.ceil(ttl / width));
      counter = {
        width,
        size,
        counts: new Array<number>(size).fill(0),
        slots: new Array<number>(size).fill(-1),
        total: 0,
        last: -1,
        blockedUntil: 0,
      };
      this.counters.set(id, counter);
    }
    const bucket = Math.floor(now / counter.width);
    expire(counter, bucket);

    const resetAt = () => oldestExpiry(counter, bucket) ?? now + ttl;
    const record = (blockedUntil?: number): RateRecord => ({
      totalHits: counter.total,
      timeToExpire: secondsUntil(resetAt(), now),
      isBlocked: blockedUntil !== undefined,
      timeToBlockExpire: blockedUntil === undefined ? 0 : secondsUntil(blockedUntil, now),
    });

    if (blockDuration > 0) {
      if (counter.blockedUntil > now) return Promise.resolve(record(counter.blockedUntil));
      add(counter, bucket);
      if (counter.total > limit) {
        counter.blockedUntil = now + blockDuration;
        return Promise.resolve(record(counter.blockedUntil));
      }
      return Promise.resolve(record());
    }
    // Without a block duration a request is refused (and not counted) while the window is full.
    if (counter.total >= limit) return Promise.resolve(record(resetAt()));
    add(counter, bucket);
    return Promise.resolve(record());
  }

  /** Keys tracked (for tests and diagnostics). */
  get size(): number {
    return this.counters.size;
  }

  /** At most once per window: forgets keys with no hit in the window and no block. */
  private sweep(now: number, ttl: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + ttl;
    for (const [id, counter] of this.counters) {
      expire(counter, Math.floor(now / counter.width));
      if (counter.total === 0 && counter.blockedUntil <= now) this.counters.delete(id);
    }
  }
}

/** Drops the buckets that left the window ending at `bucket`. */
function expire(counter: Counter, bucket: number): void {
  if (bucket <= counter.last) return;
  // Only the slots passed since the last hit can hold expired buckets (at most one full turn).
  const steps = Math.min(counter.size, bucket - counter.last);
  for (let i = 0; i < steps; i++) {
    const b = bucket - i;
    const slot = b % counter.size;
    if (counter.slots[slot] !== b) {
      counter.total -= counter.counts[slot]!;
      counter.counts[slot] = 0;
      counter.slots[slot] = b;
    }
  }
  counter.last = bucket;
}

function add(counter: Counter, bucket: number): void {
  counter.counts[bucket % counter.size]! += 1;
  counter.total += 1;
}

/** When the oldest hit still in the window leaves it (ms), or undefined without hits. */
function oldestExpiry(counter: Counter, bucket: number): number | undefined {
  if (counter.total === 0) return undefined;
  for (let b = bucket - counter.size + 1; b <= bucket; b++) {
    const slot = ((b % counter.size) + counter.size) % counter.size;
    // Bucket b leaves the window when bucket b + size begins.
    if (counter.slots[slot] === b && counter.counts[slot]! > 0) return (b + counter.size) * counter.width;
  }
  return undefined;
}

const secondsUntil = (at: number, now: number): number => Math.max(0, Math.ceil((at - now) / 1000));
