import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltins, HTTP_ERROR, type ActivityDefinition } from '../src/index';
import { startTestServer, type TestServer } from './support/http-test-server';
import { failureOf, runActivity } from './support/run-activity';

let slack: TestServer;
let webhook: ActivityDefinition;
const builtins = createBuiltins();
const TOKEN_PATH = '/services/T000/B000/XXXXXXXXXXXXXXXX';

beforeAll(async () => {
  webhook = builtins.definitions.find((d) => d.name === 'notify.webhook')!;
  // Answers like a Slack incoming webhook: `ok` on the right path, 404 `no_service` elsewhere.
  slack = await startTestServer((req, res) => {
    if (req.path === '/down') {
      res.writeHead(503, { 'retry-after': '4' });
      return void res.end('down');
    }
    if (req.path !== TOKEN_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('no_service');
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});

afterAll(async () => {
  await slack.close();
  await builtins.close();
});

describe('notify.webhook against a local Slack-compatible receiver', () => {
  it('POSTs { text, blocks } to a URL taken from a secret', async () => {
    const url = `${slack.url}${TOKEN_PATH}`;
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Approval pending*' } }];
    const out = await runActivity(
      webhook,
      { urlSecret: 'slack-approvals', text: 'Approval pending', blocks },
      { secrets: { 'slack-approvals': url } },
    ).result;
    expect(out).toEqual({ delivered: true, status: 200, response: 'ok' });
    const req = slack.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toBe('run-1/fetch');
    expect(JSON.parse(req.body)).toEqual({ text: 'Approval pending', blocks });
  });

  it('merges extra fields for receivers that are not Slack', async () => {
    await runActivity(webhook, { url: `${slack.url}${TOKEN_PATH}`, text: 'hi', extra: { channel: '#ops' } })
      .result;
    expect(JSON.parse(slack.requests.at(-1)!.body)).toEqual({ channel: '#ops', text: 'hi' });
  });

  it('never names the secret URL in a failure', async () => {
    const url = `${slack.url}/services/WRONG/PATH/secretpart`;
    const err = await failureOf(
      runActivity(webhook, { urlSecret: 'hook', text: 'x' }, { secrets: { hook: url } }).result,
    );
    expect([err.type, err.nonRetryable]).toEqual([HTTP_ERROR.client, true]);
    expect(err.message).toBe(`POST ${slack.url} (webhook 'hook') returned HTTP 404`);
    expect(JSON.stringify(err)).not.toContain('secretpart');
  });

  it('retries like http.request: 503 with Retry-After', async () => {
    const err = await failureOf(runActivity(webhook, { url: `${slack.url}/down`, text: 'x' }).result);
    expect([err.type, err.nonRetryable, err.nextRetryDelay]).toEqual([HTTP_ERROR.server, false, 4000]);
  });

  it('needs exactly one of url and urlSecret, and text or blocks', async () => {
    const both = await failureOf(runActivity(webhook, { url: slack.url, urlSecret: 'x', text: 'x' }).result);
    expect(both.message).toContain('give exactly one of url or urlSecret');
    const empty = await failureOf(runActivity(webhook, { url: slack.url }).result);
    expect(empty.message).toContain('give text or blocks');
  });
});
