import { ApplicationFailure } from '@temporalio/common';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { cancellationOr, keepHeartbeating } from '../sdk/activity-helpers';
import type { ActivityContext } from '../sdk/define-activity';
import type { CircuitBreaker } from '../circuit/circuit-breaker';
import type { SecretScope } from '../secrets/secret-refs';
import {
  HTTP_ERROR,
  httpCallOutcome,
  networkFailure,
  statusFailure,
  timeoutFailure,
  tooLargeFailure,
} from './http-failures';

export const MAX_REDIRECTS = 5;

const plainAgent = new Agent({ connections: 256 });
const redirectingAgent = plainAgent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));

export interface HttpCall {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRetryAfterMs: number;
  followRedirects: boolean;
  /** What messages name (the method and URL, or only the origin when the URL is a secret). */
  target: string;
  /** Circuit-breaker key; no breaker when undefined. */
  dependency?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  contentType: string;
}

export interface HttpServices {
  circuits?: CircuitBreaker;
}

const BODY_PREVIEW = 512;

/**
 * One HTTP call with Flowgate's failure classes: heartbeats while it runs, stops at once when the
 * activity is cancelled (the activity's signal aborts the request), enforces the timeout and the
 * response size limit, turns non-2xx answers into ApplicationFailures, and goes through the
 * dependency's circuit breaker when there is one. Messages and details are scrubbed of secrets.
 */
export async function performHttp(
  ctx: ActivityContext,
  call: HttpCall,
  scope: SecretScope,
  services: HttpServices,
): Promise<HttpAnswer> {
  const progress = { phase: 'sending' as 'sending' | 'receiving', bytes: 0, startedAt: Date.now() };
  const stop = keepHeartbeating(ctx, () => ({
    phase: progress.phase,
    bytes: progress.bytes,
    elapsedMs: Date.now() - progress.startedAt,
  }));
  const once = async () => {
    const answer = await sendOnce(ctx, call, progress);
    const failure = statusFailure({
      status: answer.status,
      target: call.target,
      retryAfter: answer.headers['retry-after'],
      nowMs: Date.now(),
      maxRetryAfterMs: call.maxRetryAfterMs,
      bodyPreview: scope.redactText(answer.body.subarray(0, BODY_PREVIEW).toString('utf8')),
    });
    if (failure) throw failure;
    return answer;
  };
  try {
    if (!services.circuits || !call.dependency) return await once();
    return await services.circuits.run({
      dependency: call.dependency,
      timeoutMs: call.timeoutMs,
      call: once,
      classify: (r) =>
        ctx.signal.aborted ? 'neutral' : r.ok ? 'success' : httpCallOutcome({ error: r.error }),
      describe: (err) =>
        err instanceof ApplicationFailure
          ? `${err.type ?? 'Error'}: ${scope.redactText(err.message)}`
          : 'error',
    });
  } catch (err) {
    const out = cancellationOr(ctx, err);
    if (out instanceof ApplicationFailure) out.message = scope.redactText(out.message);
    throw out;
  } finally {
    stop();
  }
}

async function sendOnce(
  ctx: ActivityContext,
  call: HttpCall,
  progress: { phase: string; bytes: number },
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(call.url, {
      method: call.method as Dispatcher.HttpMethod,
      headers: call.headers,
      body: call.body,
      signal,
      dispatcher: call.followRedirects ? redirectingAgent : plainAgent,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  } catch (err) {
    throw abortedOr(ctx, call, timeout, err);
  }
  progress.phase = 'receiving';
  const headers = flattenHeaders(res.headers);
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > call.maxResponseBytes) {
    res.body.destroy();
    throw tooLargeFailure(call.target, call.maxResponseBytes);
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      progress.bytes += buf.length;
      if (progress.bytes > call.maxResponseBytes) {
        res.body.destroy();
        throw tooLargeFailure(call.target, call.maxResponseBytes);
      }
      chunks.push(buf);
      ctx.heartbeat({ phase: 'receiving', bytes: progress.bytes });
    }
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    throw abortedOr(ctx, call, timeout, err);
  }
  return {
    status: res.statusCode,
    headers,
    body: Buffer.concat(chunks),
    contentType: headers['content-type'] ?? '',
  };
}

function abortedOr(ctx: ActivityContext, call: HttpCall, timeout: AbortSignal, err: unknown): unknown {
  if (ctx.signal.aborted) return ctx.signal.reason ?? err;
  if (timeout.aborted) return timeoutFailure(call.target, call.timeoutMs);
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return timeoutFailure(call.target, call.timeoutMs);
  return networkFailure(call.target, err);
}

/** Response headers as lower-case names to single strings (repeated headers joined with `, `). */
export function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Whether a content type is JSON (`application/json`, `application/problem+json`, …). */
export function isJsonContentType(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}

/** Decodes a body: parsed JSON when the content type says JSON (or `as` is `json`), else text. */
export function decodeBody(answer: HttpAnswer, as: 'auto' | 'json' | 'text', target: string): unknown {
  const text = answer.body.toString('utf8');
  const json = as === 'json' || (as === 'auto' && isJsonContentType(answer.contentType));
  if (!json) return text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (as === 'auto') return text;
    throw ApplicationFailure.create({
      type: HTTP_ERROR.invalidResponse,
      message: `${target} answered with a body that is not JSON`,
      nonRetryable: true,
    });
  }
}
