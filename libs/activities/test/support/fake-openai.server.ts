import { json, startTestServer, type RecordedRequest, type TestServer } from './http-test-server';

/**
 * A local server speaking the OpenAI chat-completions API over HTTP
 * (`POST /v1/chat/completions`, bearer authentication, `response_format: json_schema`, usage),
 * enough to exercise `llm.chat` without the internet. Behaviour is chosen by the model name:
 *
 * - any model: answers `echo: <last user message>`, or for a json_schema request a minimal valid
 *   instance of the schema;
 * - `sloppy`: for a json_schema request, JSON that misses the schema's required fields;
 * - `prose`: for a json_schema request, text that is not JSON;
 * - `refuser`: a refusal;
 * - `busy`: 429 with `Retry-After: 2`;
 * - `broken`: 500.
 */
export interface FakeOpenAi extends TestServer {
  baseUrl: string;
  completions(): Array<{ request: RecordedRequest; body: ChatRequest }>;
}

interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; schema: JsonSchema; strict?: boolean } };
  max_tokens?: number;
  temperature?: number;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
}

/** A minimal instance of a JSON Schema (the subset structured outputs use). */
function instanceOf(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, instanceOf(s)]));
    case 'array':
      return schema.items ? [instanceOf(schema.items)] : [];
    case 'string':
      return 'text';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

const tokens = (s: string) => s.split(/\s+/).filter(Boolean).length;

export async function startFakeOpenAi(apiKey: string): Promise<FakeOpenAi> {
  const server = await startTestServer((req, res) => {
    if (req.method !== 'POST' || req.path !== '/v1/chat/completions') {
      return json(res, 404, {
        error: { message: `Unknown request URL: ${req.method} ${req.path}`, type: 'invalid_request_error' },
      });
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return json(res, 401, {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
    }
    const body = JSON.parse(req.body) as ChatRequest;
    if (body.model === 'busy') {
      return json(
        res,
        429,
        { error: { message: 'Rate limit reached', type: 'requests' } },
        { 'retry-after': '2' },
      );
    }
    if (body.model === 'broken')
      return json(res, 500, { error: { message: 'The server had an error', type: 'server_error' } });
    const schema =
      body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
    let content: string | null;
    let refusal: string | null = null;
    if (body.model === 'refuser') {
      content = null;
      refusal = "I'm sorry, I can't help with that.";
    } else if (schema) {
      content =
        body.model === 'prose'
          ? 'Sure! Here is the answer.'
          : JSON.stringify(body.model === 'sloppy' ? {} : instanceOf(schema));
    } else {
      const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
      content = `echo: ${lastUser?.content ?? ''}`;
    }
    const promptTokens = body.messages.reduce((n, m) => n + tokens(m.content), 0);
    const completionTokens = tokens(content ?? refusal ?? '');
    json(res, 200, {
      id: `chatcmpl-${server.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: `${body.model}-2025-01-01`,
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      system_fingerprint: 'fp_fake',
    });
  });
  return {
    ...server,
    baseUrl: `${server.url}/v1`,
    completions: () =>
      server.requests
        .filter((r) => r.path === '/v1/chat/completions' && r.method === 'POST')
        .map((request) => ({ request, body: JSON.parse(request.body) as ChatRequest })),
  };
}
