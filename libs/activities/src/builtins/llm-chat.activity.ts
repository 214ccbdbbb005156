import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { llmDependency } from '../circuit/circuit-decision';
import { decodeBody, performHttp, type HttpServices } from '../http/http-client';
import { costUnits, type TokenUsage } from '../llm/llm-pricing';
import { chatCompletionResponse } from '../llm/openai-wire';
import { schemaProblems, schemaValidator } from '../llm/structured-output';
import { defineActivity, INVALID_ACTIVITY_INPUT } from '../sdk/define-activity';
import { maybeSecretSchema, SecretScope, secretNameSchema } from '../secrets/secret-refs';
import type { ActivitySettings } from '../settings';

/** Error types of `llm.chat` beyond the HTTP ones. */
export const LLM_ERROR = {
  /** The structured output is not JSON or does not match `responseSchema`: retryable (a new sample may). */
  invalidOutput: 'LlmInvalidOutput',
  /** The model refused to answer: non-retryable. */
  refusal: 'LlmRefusal',
  /** The server's answer is not a chat-completions response: non-retryable. */
  invalidResponse: 'LlmInvalidResponse',
} as const;

const message = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'developer']),
    content: z.string(),
    name: z.string().optional(),
  })
  .strict();

export const llmChatInput = z
  .object({
    model: z.string().min(1),
    messages: z.array(message).min(1).optional(),
    prompt: z.string().optional().describe('Shortcut for one user message.'),
    system: z.string().optional().describe('A system message put before the prompt or messages.'),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxTokens: z.number().int().positive().optional(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
    seed: z.number().int().optional(),
    responseSchema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'JSON Schema of a structured answer: requested as response_format json_schema and validated.',
      ),
    schemaName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default('response'),
    strictSchema: z.boolean().default(true).describe('Ask the provider for strict schema adherence.'),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('OpenAI-compatible API base, e.g. https://api.openai.com/v1.'),
    apiKeySecret: secretNameSchema
      .nullable()
      .optional()
      .describe('Secret holding the API key; null for none.'),
    headers: z.record(z.string(), maybeSecretSchema).optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  })
  .strict()
  .refine((v) => (v.messages === undefined) !== (v.prompt === undefined), {
    message: 'give exactly one of messages or prompt',
    path: ['prompt'],
  });

const usage = z.object({
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
});

export const llmChatOutput = z.object({
  content: z.string(),
  json: z.unknown().optional().describe('The parsed structured answer (when responseSchema is given).'),
  model: z.string(),
  finishReason: z.string().nullable(),
  usage,
  costUnits: z.number().describe('Cost units from the per-model price table (policy budgets read them).'),
});

/**
 * `llm.chat`: one OpenAI-compatible chat completion (`POST {baseUrl}/chat/completions`), the API
 * key resolved from a secret, optional structured output validated against a JSON Schema, token
 * usage and cost units in the output. Calls go through the provider's circuit breaker.
 */
export function createLlmChatActivity(settings: ActivitySettings, services: HttpServices) {
  return defineActivity({
    name: 'llm.chat',
    description:
      'Chat completion on an OpenAI-compatible API. Output: content, json (structured), usage, costUnits. ' +
      'Fails with LlmInvalidOutput (retryable), LlmRefusal, LlmInvalidResponse, or the HTTP failure classes.',
    input: llmChatInput,
    output: llmChatOutput,
    handler: async (input, ctx) => {
      const validator = input.responseSchema ? schemaValidator(input.responseSchema) : undefined;
      if (validator && 'error' in validator) {
        throw ApplicationFailure.create({
          type: INVALID_ACTIVITY_INPUT,
          message: `llm.chat: responseSchema is not a valid JSON Schema: ${validator.error}`,
          nonRetryable: true,
        });
      }
      const scope = new SecretScope((name) => ctx.secret(name));
      const baseUrl = (input.baseUrl ?? settings.llm.baseUrl).replace(/\/+$/, '');
      const url = new URL(`${baseUrl}/chat/completions`);
      const headers = await scope.resolveRecord(input.headers);
      const keySecret = input.apiKeySecret === undefined ? settings.llm.apiKeySecret : input.apiKeySecret;
      if (keySecret !== null) headers.authorization = `Bearer ${await scope.get(keySecret)}`;
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = ctx.idempotencyKey;
      headers['user-agent'] ??= settings.http.userAgent;

      const messages = [
        ...(input.system !== undefined ? [{ role: 'system', content: input.system }] : []),
        ...(input.messages ?? [{ role: 'user', content: input.prompt as string }]),
      ];
      const body = {
        model: input.model,
        messages,
        ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
        ...(input.topP !== undefined ? { top_p: input.topP } : {}),
        ...(input.maxTokens !== undefined ? { max_tokens: input.maxTokens } : {}),
        ...(input.stop !== undefined ? { stop: input.stop } : {}),
        ...(input.seed !== undefined ? { seed: input.seed } : {}),
        ...(input.responseSchema
          ? {
              response_format: {
                type: 'json_schema',
                json_schema: {
                  name: input.schemaName,
                  schema: input.responseSchema,
                  strict: input.strictSchema,
                },
              },
            }
          : {}),
      };
      const target = `POST ${url.origin}${url.pathname}`;
      const answer = await performHttp(
        ctx,
        {
          method: 'POST',
          url,
          headers,
          body: JSON.stringify(body),
          timeoutMs: input.timeoutMs ?? settings.llm.timeoutMs,
          maxResponseBytes: settings.http.maxResponseBytes,
          maxRetryAfterMs: settings.http.maxRetryAfterMs,
          followRedirects: false,
          target,
          dependency: llmDependency(baseUrl),
        },
        scope,
        services,
      );

      const parsed = chatCompletionResponse.safeParse(decodeBody(answer, 'json', target));
      if (!parsed.success) {
        throw ApplicationFailure.create({
          type: LLM_ERROR.invalidResponse,
          message: `${target} did not answer with a chat completion: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
          nonRetryable: true,
        });
      }
      const completion = parsed.data;
      const choice = completion.choices[0]!;
      const tokens: TokenUsage = {
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
        totalTokens:
          completion.usage?.total_tokens ??
          (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
      };
      const cost = costUnits(input.model, tokens, settings.llm.prices);
      const spent = { model: completion.model ?? input.model, usage: tokens, costUnits: cost };
      if (choice.message.refusal) {
        throw ApplicationFailure.create({
          type: LLM_ERROR.refusal,
          message: `the model refused: ${scope.redactText(choice.message.refusal).slice(0, 500)}`,
          nonRetryable: true,
          details: [spent],
        });
      }
      const content = choice.message.content ?? '';
      let json: unknown;
      if (validator && 'validate' in validator) {
        try {
          json = JSON.parse(content) as unknown;
        } catch {
          throw invalidOutput(['the answer is not JSON'], choice.finish_reason, spent);
        }
        const problems = schemaProblems(validator.validate, json);
        if (problems.length > 0) throw invalidOutput(problems, choice.finish_reason, spent);
      }
      return scope.redact({
        content,
        ...(json !== undefined ? { json } : {}),
        model: spent.model,
        finishReason: choice.finish_reason ?? null,
        usage: tokens,
        costUnits: cost,
      });
    },
  });
}

function invalidOutput(
  problems: string[],
  finishReason: string | null | undefined,
  spent: object,
): ApplicationFailure {
  const truncated = finishReason === 'length' ? ' (the answer was cut at maxTokens)' : '';
  return ApplicationFailure.create({
    type: LLM_ERROR.invalidOutput,
    message: `the structured answer does not match responseSchema${truncated}: ${problems.slice(0, 5).join('; ')}`,
    nonRetryable: false,
    details: [{ problems: problems.slice(0, 20), ...spent }],
  });
}
