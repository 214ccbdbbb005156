import { createHash } from 'node:crypto';
import { BlobsRepository, createPool } from '@flowgate/store';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  BLOB_THRESHOLD_BYTES,
  blobIdOf,
  defineActivity,
  EnvSecretProvider,
  type BlobRef,
} from '../src/index';
import { planOf, startPipelineWorker, usesStep, type PipelineWorker } from './support/pipeline-worker';

/**
 * Claim check on the real stack: a `runPipeline` run whose first activity returns ~3 MB (above
 * Temporal's 2 MB payload limit). The wrapper stores it in PostgreSQL and the history only holds
 * a reference; the next activity receives the whole value; the run succeeds.
 */

const ROWS = 30_000;
/** ~3 MB of JSON, the same every time. */
const bigDocument = () => ({
  rows: Array.from({ length: ROWS }, (_, i) => ({
    id: i,
    name: `customer ${i}`,
    note: `row ${i} `.padEnd(64, '.'),
  })),
});
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const produce = defineActivity({
  name: 'test.big-export',
  description: 'Returns ~3 MB of JSON',
  input: z.object({}).passthrough(),
  output: z.unknown(),
  handler: async () => bigDocument(),
});
const digest = defineActivity({
  name: 'test.digest',
  description: 'Measures the document it receives',
  input: z.object({ doc: z.object({ rows: z.array(z.unknown()) }) }).strict(),
  output: z.object({ rows: z.number(), bytes: z.number(), sha256: z.string() }),
  handler: async ({ doc }) => {
    const json = JSON.stringify(doc);
    return { rows: doc.rows.length, bytes: Buffer.byteLength(json), sha256: sha256(json) };
  },
});

let pool: Pool;
let worker: PipelineWorker;

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), { max: 5 });
  worker = await startPipelineWorker(
    inject('temporalAddress'),
    [produce, digest],
    new EnvSecretProvider({}),
    new BlobsRepository(pool),
  );
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await pool?.end();
});

/** Byte length of every payload's data in the run's history. */
async function payloadSizes(handle: Awaited<ReturnType<PipelineWorker['start']>>): Promise<number[]> {
  const history = await handle.fetchHistory();
  const sizes: number[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return;
    if ('metadata' in v && 'data' in v && (v as { data: unknown }).data instanceof Uint8Array) {
      sizes.push((v as { data: Uint8Array }).data.length);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(history.events);
  return sizes;
}

describe('large outputs by reference (real Temporal + PostgreSQL)', () => {
  it('passes a ~3 MB result between activities through the blob store; history stays small', async () => {
    const expected = JSON.stringify(bigDocument());
    expect(Buffer.byteLength(expected)).toBeGreaterThan(2.5 * 1024 * 1024);

    const plan = planOf(
      'large-output',
      [
        usesStep('big', 'test.big-export', {}),
        usesStep('measure', 'test.digest', { doc: '${ steps.big.output }' }),
      ],
      // (A plan's output is a bare expression; templates in `with` keep their `${ }`.)
      "{ 'measured': steps.measure.output, 'size': steps.big.output.size, 'ref': steps.big.output }",
    );
    const handle = await worker.start(plan);
    const { output: result } = (await handle.result()) as {
      output: { measured: { rows: number; bytes: number; sha256: string }; size: number; ref: BlobRef };
    };

    // The second activity received the whole document, byte for byte.
    expect(result.measured).toEqual({
      rows: ROWS,
      bytes: Buffer.byteLength(expected),
      sha256: sha256(expected),
    });
    // Expressions saw the reference.
    expect(result.size).toBe(Buffer.byteLength(expected));
    expect(result.ref).toMatchObject({
      $ref: expect.stringMatching(/^blob:/),
      sha256: sha256(expected),
      preview: expected.slice(0, 512),
    });

    // The blob: in PostgreSQL, under the run, with the exact bytes.
    const id = blobIdOf(result.ref)!;
    const row = (
      await pool.query(
        'SELECT run_id, workflow_id, step_path, size, sha256, content FROM blobs WHERE id = $1',
        [id],
      )
    ).rows[0] as { run_id: string; step_path: string; size: string; sha256: string; content: Buffer };
    expect(row).toMatchObject({ run_id: handle.workflowId, step_path: 'big', sha256: sha256(expected) });
    expect(Number(row.size)).toBe(Buffer.byteLength(expected));
    expect(row.content.toString('utf8')).toBe(expected);

    // No payload in the history comes near Temporal's limits.
    const sizes = await payloadSizes(handle);
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.max(...sizes)).toBeLessThan(BLOB_THRESHOLD_BYTES);
    expect(Math.max(...sizes)).toBeLessThan(16 * 1024);
  });

  it('removes a run’s blobs with its row in runs', async () => {
    const runId = `blob-retention-${Date.now()}`;
    const blobs = new BlobsRepository(pool);
    await pool.query(
      `INSERT INTO runs (id, tenant, pipeline_name, pipeline_version, digest, status, input, submitted_by)
       VALUES ($1, 'acme', 'p', 1, 'd', 'succeeded', '{}', 'tester')`,
      [runId],
    );
    const content = Buffer.from('"x"');
    for (const [id, workflowId] of [
      [`${runId}-a`, runId],
      [`${runId}-b`, `${runId}/child`],
    ] as const) {
      await blobs.put({ id, runId, workflowId, stepPath: 's', sha256: sha256('"x"'), content });
    }
    expect((await blobs.listByRun(runId)).map((b) => b.workflowId)).toEqual([runId, `${runId}/child`]);
    expect((await blobs.getForRun('acme', runId, [`${runId}-a`])).map((b) => b.id)).toEqual([`${runId}-a`]);
    expect(await blobs.getForRun('other-tenant', runId, [`${runId}-a`])).toEqual([]);
    await pool.query('DELETE FROM runs WHERE id = $1', [runId]);
    expect(await blobs.listByRun(runId)).toEqual([]);
  });
});
