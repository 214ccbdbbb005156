import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltins, HTTP_ERROR, LLM_ERROR, type ActivityDefinition } from '../src/index';
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.server';
import { failureOf, runActivity } from './support/run-activity';

const API_KEY = 'sk-test-5c0ff3e5c0ff3e5c0ff3e';
const secrets = { openai: API_KEY };

let fake: FakeOpenAi;
let chat: ActivityDefinition;
let builtins: ReturnType<typeof createBuiltins>;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['priority', 'labels'],
  properties: {
    priority: { type: 'string', enum: ['high', 'low'] },
    labels: { type: 'array', items: { type: 'string' } },
  },
};

beforeAll(async () => {
  fake = await startFakeOpenAi(API_KEY);
  builtins = createBuiltins({
    settings: {
      llm: {
        baseUrl: fake.baseUrl,
        prices: { '*': { input: 1, output: 1 }, 'gpt-4o*': { input: 2.5, output: 10 } },
      },
    },
  });
  chat = builtins.definitions.find((d) => d.name === 'llm.chat')!;
});

afterAll(async () => {
  await fake.close();
  await builtins.close();
});

describe('llm.chat against a local OpenAI-compatible server', () => {
  it('sends a prompt with the key from a secret; returns content, usage and cost units', async () => {
    const out = await runActivity(
      chat,
      { model: 'gpt-4o', system: 'Be terse.', prompt: 'Classify this ticket please', temperature: 0 },
      { secrets },
    ).result;
    const { request, body } = fake.completions().at(-1)!;
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.headers['idempotency-key']).toBe('run-1/fetch');
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Classify this ticket please' },
      ],
      temperature: 0,
    });
    // prompt: 2 + 4 words; completion: "echo: Classify this ticket please" = 5 words
    expect(out).toEqual({
      content: 'echo: Classify this ticket please',
      model: 'gpt-4o-2025-01-01',
      finishReason: 'stop',
      usage: { promptTokens: 6, completionTokens: 5, totalTokens: 11 },
      costUnits: (6 * 2.5 + 5 * 10) / 1000,
    });
  });

  it('requests structured output as json_schema and returns the validated JSON', async () => {
    const out = await runActivity<{ json: unknown; content: string }>(
      chat,
      {
        model: 'small',
        messages: [{ role: 'user', content: 'triage' }],
        responseSchema: schema,
        schemaName: 'triage',
      },
      { secrets },
    ).result;
    expect(fake.completions().at(-1)!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'triage', schema, strict: true },
    });
    expect(out.json).toEqual({ priority: 'high', labels: ['text'] });
    expect(JSON.parse(out.content)).toEqual(out.json);
  });

  it('fails retryably when the structured answer does not match the schema, or is not JSON', async () => {
    const sloppy = await failureOf(
      runActivity(chat, { model: 'sloppy', prompt: 'x', responseSchema: schema }, { secrets }).result,
    );
    expect([sloppy.type, sloppy.nonRetryable]).toEqual([LLM_ERROR.invalidOutput, false]);
    expect(sloppy.message).toContain("must have required property 'priority'");
    expect((sloppy.details as Array<{ usage: unknown; costUnits: number }>)[0]).toMatchObject({
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      costUnits: 0.002,
    });
    const prose = await failureOf(
      runActivity(chat, { model: 'prose', prompt: 'x', responseSchema: schema }, { secrets }).result,
    );
    expect([prose.type, prose.message]).toEqual([
      LLM_ERROR.invalidOutput,
      'the structured answer does not match responseSchema: the answer is not JSON',
    ]);
  });

  it('refuses an invalid JSON Schema before calling', async () => {
    const before = fake.completions().length;
    const err = await failureOf(
      runActivity(chat, { model: 'x', prompt: 'x', responseSchema: { type: 'nonsense' } }, { secrets })
        .result,
    );
    expect([err.type, err.nonRetryable]).toEqual(['InvalidActivityInput', true]);
    expect(fake.completions()).toHaveLength(before);
  });

  it('maps refusals, rate limits, server errors and a wrong key to their failure classes', async () => {
    const refusal = await failureOf(runActivity(chat, { model: 'refuser', prompt: 'x' }, { secrets }).result);
    expect([refusal.type, refusal.nonRetryable]).toEqual([LLM_ERROR.refusal, true]);
    const busy = await failureOf(runActivity(chat, { model: 'busy', prompt: 'x' }, { secrets }).result);
    expect([busy.type, busy.nonRetryable, busy.nextRetryDelay]).toEqual([
      HTTP_ERROR.rateLimited,
      false,
      2000,
    ]);
    const broken = await failureOf(runActivity(chat, { model: 'broken', prompt: 'x' }, { secrets }).result);
    expect([broken.type, broken.nonRetryable]).toEqual([HTTP_ERROR.server, false]);
    const wrongKey = await failureOf(
      runActivity(chat, { model: 'x', prompt: 'x' }, { secrets: { openai: 'sk-wrong-key-123' } }).result,
    );
    expect([wrongKey.type, wrongKey.nonRetryable]).toEqual([HTTP_ERROR.client, true]);
    expect(wrongKey.details).toEqual([{ status: 401, body: expect.stringContaining('invalid_api_key') }]);
  });

  it('takes the key secret and base URL from the step when given; a missing secret is non-retryable', async () => {
    await runActivity(
      chat,
      { model: 'x', prompt: 'hi', baseUrl: fake.baseUrl, apiKeySecret: 'other-llm' },
      { secrets: { 'other-llm': API_KEY } },
    ).result;
    const missing = await failureOf(
      runActivity(chat, { model: 'x', prompt: 'hi', apiKeySecret: 'nope' }, { secrets }).result,
    );
    expect([missing.type, missing.nonRetryable]).toEqual(['SecretNotFound', true]);
  });

  it('needs exactly one of messages and prompt', async () => {
    const err = await failureOf(runActivity(chat, { model: 'x' }, { secrets }).result);
    expect(err.message).toContain('give exactly one of messages or prompt');
  });
});
