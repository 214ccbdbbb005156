import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { httpDependency } from '../circuit/circuit-decision';
import { decodeBody, performHttp, type HttpServices } from '../http/http-client';
import { defineActivity } from '../sdk/define-activity';
import { maybeSecretSchema, SecretScope } from '../secrets/secret-refs';
import type { ActivitySettings } from '../settings';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const httpRequestInput = z
  .object({
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    query: z
      .record(z.string(), z.union([scalar, z.array(scalar)]))
      .optional()
      .describe('Query parameters appended to the URL (arrays repeat the parameter).'),
    headers: z
      .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name'), maybeSecretSchema)
      .optional()
      .describe('Request headers; a value may be `{ secret: <name>, prefix?: "Bearer " }`.'),
    json: z.unknown().optional().describe('A JSON body (sets content-type: application/json).'),
    body: z.string().optional().describe('A text body, sent as is.'),
    contentType: z
      .string()
      .optional()
      .describe('Content type of a text body (default text/plain; charset=utf-8).'),
    timeoutMs: z.number().int().positive().max(3_600_000).optional().describe('Per-call timeout.'),
    maxResponseBytes: z.number().int().positive().optional().describe('Largest response body accepted.'),
    responseType: z.enum(['auto', 'json', 'text']).default('auto'),
    followRedirects: z.boolean().default(true),
  })
  .strict()
  .refine((v) => v.json === undefined || v.body === undefined, {
    message: 'give either json or body, not both',
    path: ['body'],
  });

export const httpRequestOutput = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
});

const hasHeader = (headers: Record<string, string>, name: string) =>
  Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase());

/**
 * `http.request`: one HTTP call. 5xx, 429 and network errors are retryable (429/503 honour
 * `Retry-After`); other 4xx are not. The step's idempotency key goes out as `Idempotency-Key`.
 */
export function createHttpRequestActivity(settings: ActivitySettings, services: HttpServices) {
  return defineActivity({
    name: 'http.request',
    description:
      'Calls an HTTP endpoint. Output: status, headers and body (parsed when JSON). ' +
      'Fails with HttpClientError (4xx, non-retryable), HttpRateLimited (429), HttpServerError (5xx), ' +
      'HttpNetworkError, HttpTimeout (retryable) or HttpResponseTooLarge (non-retryable).',
    input: httpRequestInput,
    output: httpRequestOutput,
    handler: async (input, ctx) => {
      const scope = new SecretScope((name) => ctx.secret(name));
      const url = new URL(input.url);
      for (const [key, value] of Object.entries(input.query ?? {})) {
        for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
      }
      const headers = await scope.resolveRecord(input.headers);
      if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = settings.http.userAgent;
      if (!hasHeader(headers, 'idempotency-key')) headers['idempotency-key'] = ctx.idempotencyKey;
      let body: string | undefined;
      if (input.json !== undefined) {
        body = JSON.stringify(input.json);
        if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
      } else if (input.body !== undefined) {
        body = input.body;
        if (!hasHeader(headers, 'content-type'))
          headers['content-type'] = input.contentType ?? 'text/plain; charset=utf-8';
      }
      if (body !== undefined && (input.method === 'GET' || input.method === 'HEAD')) {
        throw ApplicationFailure.create({
          type: 'InvalidActivityInput',
          message: `http.request: a ${input.method} request cannot have a body`,
          nonRetryable: true,
        });
      }
      const target = `${input.method} ${url.origin}${url.pathname}`;
      const answer = await performHttp(
        ctx,
        {
          method: input.method,
          url,
          headers,
          body,
          timeoutMs: input.timeoutMs ?? settings.http.timeoutMs,
          maxResponseBytes: input.maxResponseBytes ?? settings.http.maxResponseBytes,
          maxRetryAfterMs: settings.http.maxRetryAfterMs,
          followRedirects: input.followRedirects,
          target,
          dependency: httpDependency(url),
        },
        scope,
        services,
      );
      return scope.redact({
        status: answer.status,
        headers: answer.headers,
        body: input.method === 'HEAD' ? null : decodeBody(answer, input.responseType, target),
      });
    },
  });
}
