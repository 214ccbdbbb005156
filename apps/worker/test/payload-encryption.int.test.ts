import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { flowgateDataConverter, parseKeyRing } from '@flowgate/codec';
import { loadPipeline } from '@flowgate/dsl';
import { RUN_PIPELINE_WORKFLOW, type RunPipelineInput, type RunPipelineResult } from '@flowgate/workflows';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const root = join(__dirname, '..', '..', '..');
const TASK_QUEUE = 'payload-encryption-test';
const KEYS = `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`;
const catalog = new Map(['core.echo', 'text.transform'].map((name) => [name, { name }]));

let worker: ChildProcess;
let connection: Connection;
let encrypting: Client;
let plain: Client;

beforeAll(async () => {
  worker = spawn(process.execPath, [join(root, 'apps/worker/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      FLOWGATE_TASK_QUEUE: TASK_QUEUE,
      FLOWGATE_MIGRATE: 'false',
      FLOWGATE_PAYLOAD_KEYS: KEYS,
      LOG_LEVEL: 'warn',
    },
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  encrypting = new Client({ connection, dataConverter: flowgateDataConverter(parseKeyRing(KEYS)) });
  plain = new Client({ connection });
}, 60_000);

afterAll(async () => {
  worker?.kill('SIGTERM');
  await new Promise((r) => worker?.once('exit', r));
  await connection?.close();
});

describe('payload encryption (FLOWGATE_PAYLOAD_KEYS on the client and the worker)', () => {
  it('runs the interpreter while history holds only ciphertext of the input and output', async () => {
    const result = loadPipeline(readFileSync(join(root, 'examples/hello.yaml'), 'utf8'), { catalog });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const secret = `Grace-${randomBytes(6).toString('hex')}`;
    const id = `enc-hello-${Date.now()}`;
    const input: RunPipelineInput = {
      plan: result.plan,
      input: { name: secret },
      run: { id, tenant: 'enc', submittedBy: 'test', submittedAt: new Date().toISOString() },
    };
    const output = (await encrypting.workflow.execute(RUN_PIPELINE_WORKFLOW, {
      taskQueue: TASK_QUEUE,
      workflowId: id,
      args: [input],
    })) as RunPipelineResult;
    expect(output.output).toEqual({
      greeting: `Hello, ${secret}!`,
      shout: `HELLO, ${secret.toUpperCase()}!`,
    });

    const history = await plain.workflow.getHandle(id).fetchHistory();
    const payloads = (history.events ?? []).flatMap((e) =>
      [
        e.workflowExecutionStartedEventAttributes?.input,
        e.workflowExecutionCompletedEventAttributes?.result,
        e.activityTaskScheduledEventAttributes?.input,
        e.activityTaskCompletedEventAttributes?.result,
      ].flatMap((p) => p?.payloads ?? []),
    );
    expect(payloads.length).toBeGreaterThanOrEqual(6);
    for (const p of payloads) {
      expect(Buffer.from(p.metadata!.encoding!).toString()).toBe('binary/encrypted');
      expect(Buffer.from(p.metadata!['encryption-key-id']!).toString()).toBe('k2');
      expect(Buffer.from(p.data!).toString('latin1')).not.toContain(secret);
      expect(Buffer.from(p.data!).toString('latin1')).not.toContain(secret.toUpperCase());
    }
    // A client without the keys cannot read the result.
    await expect(plain.workflow.getHandle(id).result()).rejects.toThrow();
  });
});
