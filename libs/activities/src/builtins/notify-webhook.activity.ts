import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { httpDependency } from '../circuit/circuit-decision';
import { decodeBody, performHttp, type HttpServices } from '../http/http-client';
import { defineActivity, INVALID_ACTIVITY_INPUT } from '../sdk/define-activity';
import { maybeSecretSchema, SecretScope, secretNameSchema } from '../secrets/secret-refs';
import type { ActivitySettings } from '../settings';

export const notifyWebhookInput = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Webhook URL (use urlSecret when the URL embeds a token).'),
    urlSecret: secretNameSchema
      .optional()
      .describe('Secret holding the webhook URL (e.g. a Slack incoming webhook).'),
    text: z.string().max(40_000).optional(),
    blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional().describe('Slack Block Kit blocks.'),
    extra: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('More top-level payload fields, for receivers that are not Slack.'),
    headers: z.record(z.string(), maybeSecretSchema).optional(),
    timeoutMs: z.number().int().positive().max(300_000).optional(),
  })
  .strict()
  .refine((v) => (v.url === undefined) !== (v.urlSecret === undefined), {
    message: 'give exactly one of url or urlSecret',
    path: ['url'],
  })
  .refine((v) => v.text !== undefined || v.blocks !== undefined, {
    message: 'give text or blocks',
    path: ['text'],
  });

export const notifyWebhookOutput = z.object({
  delivered: z.literal(true),
  status: z.number().int(),
  response: z.unknown().describe("The receiver's answer (Slack answers `ok`)."),
});

/**
 * `notify.webhook`: POSTs a Slack-compatible JSON payload (`{ text, blocks? }`) to a webhook.
 * Failure classes as for http.request. When the URL comes from a secret, messages name only its
 * origin (the path of a Slack webhook is its credential).
 */
export function createNotifyWebhookActivity(settings: ActivitySettings, services: HttpServices) {
  return defineActivity({
    name: 'notify.webhook',
    description:
      'POSTs { text, blocks? } (Slack-compatible) to a webhook URL, given or from a secret. Retries like http.request.',
    input: notifyWebhookInput,
    output: notifyWebhookOutput,
    handler: async (input, ctx) => {
      const scope = new SecretScope((name) => ctx.secret(name));
      const raw = input.urlSecret ? await scope.get(input.urlSecret) : (input.url as string);
      let url: URL;
      try {
        url = new URL(raw);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      } catch {
        throw ApplicationFailure.create({
          type: INVALID_ACTIVITY_INPUT,
          message: `notify.webhook: ${input.urlSecret ? `secret '${input.urlSecret}'` : 'url'} is not an http(s) URL`,
          nonRetryable: true,
        });
      }
      const headers = await scope.resolveRecord(input.headers);
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = ctx.idempotencyKey;
      headers['user-agent'] ??= settings.http.userAgent;
      const payload = {
        ...input.extra,
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.blocks !== undefined ? { blocks: input.blocks } : {}),
      };
      const target = input.urlSecret
        ? `POST ${url.origin} (webhook '${input.urlSecret}')`
        : `POST ${url.origin}${url.pathname}`;
      const answer = await performHttp(
        ctx,
        {
          method: 'POST',
          url,
          headers,
          body: JSON.stringify(payload),
          timeoutMs: input.timeoutMs ?? settings.http.timeoutMs,
          maxResponseBytes: 65_536,
          maxRetryAfterMs: settings.http.maxRetryAfterMs,
          followRedirects: false,
          target,
          dependency: httpDependency(url),
        },
        scope,
        services,
      );
      return scope.redact({
        delivered: true as const,
        status: answer.status,
        response: decodeBody(answer, 'auto', target),
      });
    },
  });
}
