import { ApplicationFailure } from '@temporalio/common';
import type { CallOutcome } from '../circuit/circuit-decision';

/** Error types of HTTP failures (`ApplicationFailure.type`), usable in a step's `retry.nonRetryable`. */
export const HTTP_ERROR = {
  /** 4xx other than 429: the request is wrong; retrying cannot help. Non-retryable. */
  client: 'HttpClientError',
  /** 429: retryable, after `Retry-After` when the server sends one. */
  rateLimited: 'HttpRateLimited',
  /** 5xx: retryable (503 honours `Retry-After`). */
  server: 'HttpServerError',
  /** Connection refused or reset, DNS failure, TLS failure: retryable. */
  network: 'HttpNetworkError',
  /** The per-call timeout elapsed: retryable. */
  timeout: 'HttpTimeout',
  /** The response body exceeded the size limit: non-retryable. */
  tooLarge: 'HttpResponseTooLarge',
  /** The body could not be decoded as the JSON asked for: non-retryable. */
  invalidResponse: 'HttpInvalidResponse',
} as const;

export type HttpStatusClass = 'success' | 'client' | 'rateLimited' | 'server';

/** Pure: the class of an HTTP status. 1xx-3xx that reach us are answers, not failures. */
export function classifyStatus(status: number): HttpStatusClass {
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'server';
  if (status >= 400) return 'client';
  return 'success';
}

/**
 * Pure: the delay a `Retry-After` header asks for, in milliseconds: delta-seconds (`120`) or an
 * HTTP-date. Undefined when absent or malformed; 0 for a date in the past; at most `maxMs`.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number,
  maxMs: number,
): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  let ms: number;
  if (/^\d+$/.test(raw)) {
    ms = Number(raw) * 1000;
  } else if (/^\d+\.\d+$/.test(raw)) {
    // Not allowed by RFC 9110, but sent by some servers; read generously.
    ms = Math.round(Number(raw) * 1000);
  } else {
    const at = Date.parse(raw);
    if (Number.isNaN(at) || !/[a-z]/i.test(raw)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(0, ms), maxMs);
}

export interface StatusFailureInput {
  status: number;
  /** What the message names: e.g. `GET https://api.example.com/items` (never a secret). */
  target: string;
  retryAfter?: string | string[];
  nowMs: number;
  maxRetryAfterMs: number;
  /** A short preview of the response body, already free of secrets. */
  bodyPreview?: string;
}

/**
 * Pure: the failure an HTTP status maps to, or undefined for a success. 5xx and 429 are retryable;
 * 429 and 503 use `Retry-After` as the next retry delay; other 4xx are non-retryable.
 */
export function statusFailure(input: StatusFailureInput): ApplicationFailure | undefined {
  const cls = classifyStatus(input.status);
  if (cls === 'success') return undefined;
  const details = [{ status: input.status, ...(input.bodyPreview ? { body: input.bodyPreview } : {}) }];
  const message = `${input.target} returned HTTP ${input.status}`;
  if (cls === 'client')
    return ApplicationFailure.create({ type: HTTP_ERROR.client, message, nonRetryable: true, details });
  const honours = input.status === 429 || input.status === 503;
  const delay = honours ? parseRetryAfter(input.retryAfter, input.nowMs, input.maxRetryAfterMs) : undefined;
  return ApplicationFailure.create({
    type: cls === 'rateLimited' ? HTTP_ERROR.rateLimited : HTTP_ERROR.server,
    message: delay !== undefined ? `${message}; retry after ${delay} ms` : message,
    nonRetryable: false,
    details,
    // Temporal needs a positive delay; 0 means "now", i.e. the shortest delay.
    ...(delay !== undefined ? { nextRetryDelay: Math.max(1, delay) } : {}),
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Pure: the code of a network error (undici wraps the system error in `cause`). */
export function networkErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The retryable failure of a call that got no HTTP answer. */
export function networkFailure(target: string, err: unknown): ApplicationFailure {
  const code = networkErrorCode(err) ?? (err as { code?: string }).code ?? 'UNKNOWN';
  return ApplicationFailure.create({
    type: HTTP_ERROR.network,
    message: `${target} failed: ${code}`,
    nonRetryable: false,
    details: [{ code }],
  });
}

export function timeoutFailure(target: string, timeoutMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: HTTP_ERROR.timeout,
    message: `${target} timed out after ${timeoutMs} ms`,
    nonRetryable: false,
    details: [{ timeoutMs }],
  });
}

export function tooLargeFailure(target: string, limit: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: HTTP_ERROR.tooLarge,
    message: `${target} response exceeds the limit of ${limit} bytes`,
    nonRetryable: true,
    details: [{ maxResponseBytes: limit }],
  });
}

/**
 * Pure: how an HTTP call counts for its dependency's circuit. Only signs that the dependency is
 * down count as failures: network errors, timeouts and 5xx. Any other answer (2xx-4xx, 429, an
 * oversized body) shows it is up. A cancelled call counts for nothing.
 */
export function httpCallOutcome(result: { status: number } | { error: unknown }): CallOutcome {
  if ('status' in result) return result.status >= 500 ? 'failure' : 'success';
  const err = result.error;
  if (err instanceof ApplicationFailure) {
    if (
      err.type === HTTP_ERROR.network ||
      err.type === HTTP_ERROR.timeout ||
      err.type === HTTP_ERROR.server
    ) {
      return 'failure';
    }
    if (
      err.type === HTTP_ERROR.client ||
      err.type === HTTP_ERROR.rateLimited ||
      err.type === HTTP_ERROR.tooLarge
    ) {
      return 'success';
    }
    if (err.type === HTTP_ERROR.invalidResponse) return 'success';
  }
  return 'neutral';
}
