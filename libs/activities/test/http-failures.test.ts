import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  classifyStatus,
  HTTP_ERROR,
  httpCallOutcome,
  networkErrorCode,
  networkFailure,
  parseRetryAfter,
  statusFailure,
  timeoutFailure,
  tooLargeFailure,
} from '../src/index';

const NOW = Date.parse('2025-11-21T12:00:00Z');
const MAX = 600_000;

describe('classifyStatus', () => {
  it.each([
    [200, 'success'],
    [204, 'success'],
    [304, 'success'],
    [400, 'client'],
    [401, 'client'],
    [404, 'client'],
    [409, 'client'],
    [429, 'rateLimited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
  ] as const)('%i is %s', (status, cls) => {
    expect(classifyStatus(status)).toBe(cls);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW, MAX)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW, MAX)).toBe(0);
  });
  it('reads an HTTP-date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Fri, 21 Nov 2025 12:00:30 GMT', NOW, MAX)).toBe(30_000);
    expect(parseRetryAfter('Fri, 21 Nov 2025 11:00:00 GMT', NOW, MAX)).toBe(0);
  });
  it('caps the delay', () => {
    expect(parseRetryAfter('86400', NOW, MAX)).toBe(MAX);
  });
  it('takes the first of repeated headers and tolerates fractions', () => {
    expect(parseRetryAfter(['3', '9'], NOW, MAX)).toBe(3000);
    expect(parseRetryAfter('1.5', NOW, MAX)).toBe(1500);
  });
  it('ignores absent and malformed values', () => {
    expect(parseRetryAfter(undefined, NOW, MAX)).toBeUndefined();
    expect(parseRetryAfter('', NOW, MAX)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW, MAX)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW, MAX)).toBeUndefined();
    expect(parseRetryAfter('12abc', NOW, MAX)).toBeUndefined();
  });
});

describe('statusFailure', () => {
  const base = { target: 'GET http://h/x', nowMs: NOW, maxRetryAfterMs: MAX };

  it('is undefined for answers that are not failures', () => {
    expect(statusFailure({ ...base, status: 200 })).toBeUndefined();
    expect(statusFailure({ ...base, status: 302 })).toBeUndefined();
  });
  it('makes other 4xx non-retryable HttpClientError with status and body preview', () => {
    const f = statusFailure({ ...base, status: 404, bodyPreview: 'no such item' })!;
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.type).toBe(HTTP_ERROR.client);
    expect(f.nonRetryable).toBe(true);
    expect(f.details).toEqual([{ status: 404, body: 'no such item' }]);
    expect(f.message).toBe('GET http://h/x returned HTTP 404');
  });
  it('makes 5xx retryable, ignoring Retry-After except on 503', () => {
    const f500 = statusFailure({ ...base, status: 500, retryAfter: '5' })!;
    expect([f500.type, f500.nonRetryable, f500.nextRetryDelay]).toEqual([
      HTTP_ERROR.server,
      false,
      undefined,
    ]);
    const f503 = statusFailure({ ...base, status: 503, retryAfter: '5' })!;
    expect([f503.type, f503.nonRetryable, f503.nextRetryDelay]).toEqual([HTTP_ERROR.server, false, 5000]);
  });
  it('makes 429 retryable and honours Retry-After (dates too)', () => {
    const f = statusFailure({ ...base, status: 429, retryAfter: 'Fri, 21 Nov 2025 12:00:02 GMT' })!;
    expect([f.type, f.nonRetryable, f.nextRetryDelay]).toEqual([HTTP_ERROR.rateLimited, false, 2000]);
    expect(f.message).toContain('retry after 2000 ms');
    expect(statusFailure({ ...base, status: 429 })!.nextRetryDelay).toBeUndefined();
  });
  it('turns Retry-After: 0 into the shortest positive delay', () => {
    expect(statusFailure({ ...base, status: 503, retryAfter: '0' })!.nextRetryDelay).toBe(1);
  });
});

describe('network failures', () => {
  it('finds the system error code in the cause chain', () => {
    const err = Object.assign(new Error('fetch failed'), {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(networkErrorCode(err)).toBe('ECONNREFUSED');
    const f = networkFailure('GET http://h', err);
    expect([f.type, f.nonRetryable, f.message]).toEqual([
      HTTP_ERROR.network,
      false,
      'GET http://h failed: ECONNREFUSED',
    ]);
  });
  it('classifies timeouts as retryable and oversized bodies as not', () => {
    expect(timeoutFailure('x', 10).nonRetryable).toBe(false);
    expect(tooLargeFailure('x', 10).nonRetryable).toBe(true);
  });
});

describe('httpCallOutcome (circuit breaker)', () => {
  it('counts only signs of an outage as failures', () => {
    expect(httpCallOutcome({ status: 200 })).toBe('success');
    expect(httpCallOutcome({ status: 404 })).toBe('success');
    expect(httpCallOutcome({ status: 503 })).toBe('failure');
    const failure = (status: number) => ({
      error: statusFailure({ status, target: 't', nowMs: 0, maxRetryAfterMs: 0 }),
    });
    expect(httpCallOutcome(failure(500))).toBe('failure');
    expect(httpCallOutcome(failure(429))).toBe('success');
    expect(httpCallOutcome(failure(400))).toBe('success');
    expect(httpCallOutcome({ error: networkFailure('t', { code: 'ECONNRESET' }) })).toBe('failure');
    expect(httpCallOutcome({ error: timeoutFailure('t', 1) })).toBe('failure');
    expect(httpCallOutcome({ error: tooLargeFailure('t', 1) })).toBe('success');
    expect(httpCallOutcome({ error: new Error('cancelled') })).toBe('neutral');
  });
});
