import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CliError,
  EXIT_DENIED,
  EXIT_ERROR,
  EXIT_OK,
  policyApply,
  policyTest,
  restBase,
} from '../src/commands/policy.command';

let server: Server;
let url: string;
const seen: { path: string; body: string; auth: string | undefined }[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', body, auth: req.headers.authorization });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const dir = mkdtempSync(join(tmpdir(), 'flowgate-cli-policy-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('flowgate policy', () => {
  it('resolves the REST base from flag, env or default', () => {
    expect(restBase('http://gw:3000/', {})).toBe('http://gw:3000/v1');
    expect(restBase(undefined, { FLOWGATE_URL: 'http://x/v1' })).toBe('http://x/v1');
    expect(restBase(undefined, {})).toBe('http://127.0.0.1:3000/v1');
  });

  it('apply posts the YAML as is; test posts pipeline and policy; exit codes 0 / 2 / 1', async () => {
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    const policy = file('p.yaml', 'apiVersion: flowgate/v1\nkind: Policy\n');
    const pipeline = file(
      'pl.yaml',
      'apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: x, version: 1 }\n',
    );
    reply = { status: 201, body: { name: 'p', version: 2, mode: 'enforce', created: true } };
    expect(await policyApply(policy, { url, apiKey: 'k' }, out)).toBe(EXIT_OK);
    expect(seen.at(-1)).toMatchObject({
      path: '/v1/policies',
      body: 'apiVersion: flowgate/v1\nkind: Policy\n',
      auth: 'Bearer k',
    });
    reply = {
      status: 200,
      body: {
        allowed: false,
        pipeline: { name: 'x', version: 1 },
        decisions: [
          {
            effect: 'deny',
            policy: 'p',
            version: 2,
            ruleId: 'r',
            reason: 'no',
            mode: 'enforce',
            stepPath: 's',
          },
        ],
      },
    };
    expect(await policyTest(policy, pipeline, { url, apiKey: 'k' }, out)).toBe(EXIT_DENIED);
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({
      pipeline: { metadata: { name: 'x' } },
      policy: 'apiVersion: flowgate/v1\nkind: Policy\n',
    });
    expect(lines.at(-1)).toBe('DENIED: x@1 (1 denied, 0 warnings, 1 decisions)');
    reply = {
      status: 400,
      body: {
        code: 'validation_failed',
        detail: 'the policy document has 1 problem',
        errors: [{ path: 'spec', line: 3, message: 'bad' }],
      },
    };
    expect(await policyApply(policy, { url, apiKey: 'k' }, out)).toBe(EXIT_ERROR);
    expect(lines.at(-1)).toBe('the policy document has 1 problem [validation_failed]\n  - spec:3: bad');
  });

  it('says clearly when the gateway is unreachable or the key is missing', async () => {
    const policy = file('q.yaml', 'x: 1\n');
    await expect(
      policyApply(policy, { url: 'http://127.0.0.1:1', apiKey: 'k' }, () => undefined),
    ).rejects.toThrow(
      /^cannot reach the Flowgate gateway at http:\/\/127\.0\.0\.1:1\/v1 \(.+\); is it running\? Set --url/,
    );
    await expect(policyApply(policy, { url }, () => undefined)).rejects.toBeInstanceOf(CliError);
  });
});
