import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { LARGE_OUTPUT_BYTES } from '@flowgate/workflows';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BLOB_ERRORS,
  BLOB_PREVIEW_CHARS,
  BLOB_THRESHOLD_BYTES,
  blobIdOf,
  defineActivity,
  findBlobRefs,
  isBlobRef,
  previewOf,
  replaceBlobRefs,
  resolveBlobRefs,
  rootRunIdOf,
  storeIfLarge,
  type BlobRef,
  type BlobStore,
} from '../src/index';
import { failureOf, runActivity } from './support/run-activity';

/** An in-memory BlobStore that records what it was given. */
function memoryStore() {
  const blobs = new Map<string, Parameters<BlobStore['put']>[0]>();
  const reads: string[] = [];
  const store: BlobStore = {
    put: async (b) => {
      blobs.set(b.id, b);
    },
    content: async (id) => {
      reads.push(id);
      return blobs.get(id)?.content;
    },
  };
  return { store, blobs, reads };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const big = (bytes: number) => ({ text: 'x'.repeat(bytes) });
const origin = { workflowId: 'run-1', stepPath: 'fetch' };

describe('blob reference detection', () => {
  it('keeps the activities threshold equal to the interpreter’s LARGE_OUTPUT_BYTES', () => {
    expect(BLOB_THRESHOLD_BYTES).toBe(LARGE_OUTPUT_BYTES);
  });

  it('recognises { $ref: "blob:<id>" } objects only', () => {
    expect(blobIdOf({ $ref: 'blob:abc123', size: 3 })).toBe('abc123');
    expect(isBlobRef({ $ref: 'blob:abc' })).toBe(true);
    for (const v of [
      { $ref: '#/definitions/x' },
      { $ref: 'blob:' },
      { $ref: 'blob:../etc' },
      { $ref: 42 },
      ['blob:abc'],
      'blob:abc',
      null,
      new Map([['$ref', 'blob:abc']]),
    ]) {
      expect(blobIdOf(v), JSON.stringify(v)).toBeUndefined();
    }
  });

  it('finds references at any depth, in document order', () => {
    const value = {
      a: { $ref: 'blob:one' },
      list: [1, { nested: { $ref: 'blob:two', size: 1 } }, { $ref: 'blob:one' }],
      schema: { $ref: '#/x' },
    };
    expect(findBlobRefs(value).map((r) => r.id)).toEqual(['one', 'two', 'one']);
    expect(findBlobRefs({ plain: [1, 'two', null] })).toEqual([]);
  });

  it('replaces references, loading each id once, and keeps what cannot be loaded', async () => {
    const loads: string[] = [];
    const value = { a: { $ref: 'blob:one' }, b: [{ $ref: 'blob:one' }, { $ref: 'blob:gone' }], c: 1 };
    const out = await replaceBlobRefs(value, async (id) => {
      loads.push(id);
      return id === 'one' ? { content: 1 } : undefined;
    });
    expect(out).toEqual({ a: { content: 1 }, b: [{ content: 1 }, { $ref: 'blob:gone' }], c: 1 });
    expect(loads.sort()).toEqual(['gone', 'one']);
    const plain = { x: [1, 2] };
    expect(await replaceBlobRefs(plain, async () => 'never')).toBe(plain);
  });

  it('cuts previews without splitting a surrogate pair', () => {
    expect(previewOf('abc', 5)).toBe('abc');
    expect(previewOf('ab😀', 3)).toBe('ab');
    expect(previewOf('x'.repeat(600))).toHaveLength(BLOB_PREVIEW_CHARS);
  });

  it('takes the top-level run from a child workflow id', () => {
    expect(rootRunIdOf('run-1/items[0-99]')).toBe('run-1');
    expect(rootRunIdOf('run-1')).toBe('run-1');
  });
});

describe('storeIfLarge / resolveBlobRefs', () => {
  it('keeps outputs up to the threshold inline', async () => {
    const { store, blobs } = memoryStore();
    const small = big(1_000);
    expect(await storeIfLarge(small, origin, store)).toBe(small);
    expect(await storeIfLarge('short', origin, store)).toBe('short');
    expect(await storeIfLarge(null, origin, store)).toBeNull();
    expect(blobs.size).toBe(0);
  });

  it('stores a large output and returns { $ref, size, sha256, preview }', async () => {
    const { store, blobs } = memoryStore();
    const output = big(BLOB_THRESHOLD_BYTES);
    const json = JSON.stringify(output);
    const ref = (await storeIfLarge(output, { ...origin, workflowId: 'run-1/sub' }, store)) as BlobRef;
    expect(ref).toEqual({
      $ref: expect.stringMatching(/^blob:[0-9a-f]{40}$/),
      size: Buffer.byteLength(json),
      sha256: sha(json),
      preview: json.slice(0, BLOB_PREVIEW_CHARS),
    });
    const stored = blobs.get(blobIdOf(ref)!)!;
    expect(stored).toMatchObject({
      runId: 'run-1',
      workflowId: 'run-1/sub',
      stepPath: 'fetch',
      sha256: sha(json),
    });
    expect(stored.content.toString('utf8')).toBe(json);
    // Same execution, step and content: the same blob (a retried attempt stores nothing new).
    expect(await storeIfLarge(output, { ...origin, workflowId: 'run-1/sub' }, store)).toEqual(ref);
    expect(blobs.size).toBe(1);
    expect(JSON.stringify(ref).length).toBeLessThan(4_096);
  });

  it('resolves references back to the stored value, checking the hash', async () => {
    const { store, blobs } = memoryStore();
    const output = { rows: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `row ${i}` })) };
    const ref = await storeIfLarge(output, origin, store);
    expect(await resolveBlobRefs({ doc: ref, other: 1 }, store)).toEqual({ doc: output, other: 1 });

    const id = blobIdOf(ref)!;
    blobs.set(id, { ...blobs.get(id)!, content: Buffer.from('{"rows":[]}') });
    const corrupt = (await failureOf(resolveBlobRefs({ doc: ref }, store))) as ApplicationFailure;
    expect(corrupt).toBeInstanceOf(ApplicationFailure);
    expect(corrupt).toMatchObject({ type: BLOB_ERRORS.corrupt, nonRetryable: true });

    const missing = (await failureOf(resolveBlobRefs({ $ref: 'blob:nope' }, store))) as ApplicationFailure;
    expect(missing).toMatchObject({ type: BLOB_ERRORS.notFound, nonRetryable: true });
  });
});

describe('the activity wrapper with a blob store', () => {
  const produce = defineActivity({
    name: 'test.produce',
    description: 'A large output that echoes a secret',
    input: z.object({ bytes: z.number() }),
    output: z.unknown(),
    handler: async ({ bytes }, ctx) => ({ token: await ctx.secret('api-token'), text: 'y'.repeat(bytes) }),
  });
  const measure = defineActivity({
    name: 'test.measure',
    description: 'Measures its input',
    input: z.object({ doc: z.object({ token: z.string(), text: z.string() }) }),
    output: z.object({ length: z.number(), token: z.string() }),
    handler: async ({ doc }) => ({ length: doc.text.length, token: doc.token }),
  });

  it('redacts, then stores a large result; the next activity receives the whole value', async () => {
    const { store, blobs } = memoryStore();
    const secrets = { 'api-token': 'tok-0123456789' };
    const ref = (await runActivity<BlobRef>(produce, { bytes: 300_000 }, { secrets, blobs: store }).result)!;
    expect(isBlobRef(ref)).toBe(true);
    expect(ref.size).toBeGreaterThan(300_000);
    expect(ref.preview).toContain('[secret:api-token]');
    const stored = [...blobs.values()][0]!;
    expect(stored).toMatchObject({ runId: 'run-1', workflowId: 'run-1', stepPath: 'fetch' });
    expect(stored.content.toString('utf8')).not.toContain('tok-0123456789');

    const measured = await runActivity(measure, { doc: ref }, { blobs: store }).result;
    expect(measured).toEqual({ length: 300_000, token: '[secret:api-token]' });
  });

  it('keeps small results inline, redacted', async () => {
    const { store, blobs } = memoryStore();
    const out = await runActivity(
      produce,
      { bytes: 10 },
      { secrets: { 'api-token': 'tok-0123456789' }, blobs: store },
    ).result;
    expect(out).toEqual({ token: '[secret:api-token]', text: 'y'.repeat(10) });
    expect(blobs.size).toBe(0);
  });

  it('fails an input whose blob is gone, without running the handler', async () => {
    const { store } = memoryStore();
    const err = (await failureOf(
      runActivity(measure, { doc: { $ref: 'blob:gone' } }, { blobs: store }).result,
    )) as ApplicationFailure;
    expect(err).toMatchObject({ type: BLOB_ERRORS.notFound, nonRetryable: true });
  });
});
