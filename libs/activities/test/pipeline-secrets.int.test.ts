import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBuiltins, EnvSecretProvider } from '../src/index';
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.server';
import { json, startTestServer, type TestServer } from './support/http-test-server';
import {
  historyText,
  planOf,
  startPipelineWorker,
  usesStep,
  type PipelineWorker,
} from './support/pipeline-worker';

const CRM_TOKEN = 'crm_tok_7Hq2LmZpX91';
const OPENAI_KEY = 'sk-live-Qw3rTy8UiOp2AsDf';
const SLACK_PATH = '/services/T1/B2/slackwebhooksecret42';
const databaseUrl = inject('databaseUrl');

let crm: TestServer;
let slack: TestServer;
let llm: FakeOpenAi;
let worker: PipelineWorker;
let secretValues: string[];
const builtins = createBuiltins();

beforeAll(async () => {
  // The CRM answers with the caller's Authorization header in a body field and in a response header.
  crm = await startTestServer((req, res) =>
    json(
      res,
      200,
      { name: 'Ada', auth: req.headers.authorization },
      { 'x-echo-auth': req.headers.authorization ?? '' },
    ),
  );
  slack = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  llm = await startFakeOpenAi(OPENAI_KEY);
  const slackUrl = `${slack.url}${SLACK_PATH}`;
  secretValues = [CRM_TOKEN, OPENAI_KEY, slackUrl, SLACK_PATH, databaseUrl];
  const secrets = new EnvSecretProvider({
    FLOWGATE_SECRET_CRM_TOKEN: CRM_TOKEN,
    FLOWGATE_SECRET_OPENAI: OPENAI_KEY,
    FLOWGATE_SECRET_SLACK_HOOK: slackUrl,
    FLOWGATE_SECRET_ANALYTICS_DB: databaseUrl,
  });
  worker = await startPipelineWorker(inject('temporalAddress'), builtins.definitions, secrets);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([crm?.close(), slack?.close(), llm?.close()]);
  await builtins.close();
});

describe('a real runPipeline run using secrets', () => {
  it('resolves secrets by name in the worker; no secret value appears anywhere in the history', async () => {
    const plan = planOf(
      'secrets',
      [
        usesStep('fetch', 'http.request', {
          url: `${crm.url}/customers/1`,
          headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer ' } },
        }),
        usesStep('summarize', 'llm.chat', {
          model: 'gpt-4o-mini',
          baseUrl: llm.baseUrl,
          apiKeySecret: 'openai',
          prompt: "${ 'Summarize customer ' & steps.fetch.output.body.name }",
        }),
        usesStep('lookup', 'sql.query', {
          connectionSecret: 'analytics-db',
          text: 'SELECT $1::text AS who, current_database() AS db',
          params: ['${ steps.fetch.output.body.name }'],
        }),
        usesStep('notify', 'notify.webhook', {
          urlSecret: 'slack-hook',
          text: "${ 'Done: ' & steps.summarize.output.content }",
        }),
      ],
      "{ 'summary': steps.summarize.output.content, 'who': steps.lookup.output.rows[0].who, " +
        "'echo': steps.fetch.output.body.auth, 'echoHeader': steps.fetch.output.headers.`x-echo-auth`, " +
        "'cost': steps.summarize.output.costUnits, 'delivered': steps.notify.output.delivered }",
    );
    const handle = await worker.start(plan, {});
    const result = (await handle.result()) as { output: Record<string, unknown> };

    // The secrets were really used…
    expect(crm.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CRM_TOKEN}`);
    expect(llm.requests.at(-1)!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(slack.requests.at(-1)!.path).toBe(SLACK_PATH);
    expect(result.output).toEqual({
      summary: 'echo: Summarize customer Ada',
      who: 'Ada',
      echo: 'Bearer [secret:crm-token]',
      echoHeader: 'Bearer [secret:crm-token]',
      cost: expect.any(Number),
      delivered: true,
    });

    // …and never reached the history: inputs carry names, outputs are redacted.
    const history = await historyText(handle);
    expect(history).toContain('crm-token');
    expect(history).toContain('slack-hook');
    expect(history).toContain('Summarize customer Ada'); // payloads are decoded: the search is meaningful
    for (const value of secretValues) expect(history).not.toContain(value);
  });

  it('a failing step leaves no secret in the failure either', async () => {
    const plan = planOf('secrets-fail', [
      usesStep('notify', 'notify.webhook', { urlSecret: 'crm-token', text: 'x' }), // not a URL: refused, value not shown
    ]);
    const handle = await worker.start(plan, {});
    await expect(handle.result()).rejects.toThrow();
    const history = await historyText(handle);
    expect(history).toContain("secret 'crm-token' is not an http(s) URL");
    for (const value of secretValues) expect(history).not.toContain(value);
  });
});
