import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { BLOB_REF_SCHEME, replaceBlobRefs, type BlobRef } from '@flowgate/store';

/**
 * Activity results whose JSON is larger than this are stored in the blob store and replaced by a
 * reference. The same number as `LARGE_OUTPUT_BYTES` of `@flowgate/workflows` (Temporal warns on
 * payloads above 256 KB); runtime libraries may not import workflow libraries, so a unit test
 * keeps the two equal.
 */
export const BLOB_THRESHOLD_BYTES = 256 * 1024;

export {
  BLOB_REF_SCHEME,
  blobIdOf,
  findBlobRefs,
  isBlobRef,
  replaceBlobRefs,
  type BlobRef,
} from '@flowgate/store';

/** Characters of the JSON text kept in a reference's `preview`. */
export const BLOB_PREVIEW_CHARS = 512;

/** Failure types of reference resolution (non-retryable: the blob will not come back). */
export const BLOB_ERRORS = {
  notFound: 'BlobNotFound',
  corrupt: 'BlobIntegrityError',
} as const;

/** Where blobs go (the worker passes `BlobsRepository` of @flowgate/store). */
export interface BlobStore {
  put(blob: {
    id: string;
    runId: string;
    workflowId: string;
    stepPath: string;
    tenant?: string | null;
    sha256: string;
    content: Buffer;
  }): Promise<void>;
  content(id: string): Promise<Buffer | undefined>;
}

/** Which execution and step produced an output. */
export interface BlobOrigin {
  workflowId: string;
  stepPath: string;
  tenant?: string | null;
}

/** Parses a blob's content, checking it against the reference's hash when the reference has one. */
export function decodeBlob(id: string, content: Buffer, ref?: Record<string, unknown>): unknown {
  if (typeof ref?.sha256 === 'string' && ref.sha256 !== sha256Hex(content)) {
    throw ApplicationFailure.create({
      type: BLOB_ERRORS.corrupt,
      message: `blob '${id}' does not match its reference's sha256`,
      nonRetryable: true,
    });
  }
  return JSON.parse(content.toString('utf8')) as unknown;
}

/**
 * Replaces every blob reference in an activity input by the blob's content, so that handlers
 * receive the whole value (`with: { doc: "${ steps.big.output }" }` just works).
 */
export function resolveBlobRefs<T>(value: T, store: Pick<BlobStore, 'content'>): Promise<T> {
  return replaceBlobRefs(value, async (id, ref) => {
    const content = await store.content(id);
    if (content === undefined) {
      throw ApplicationFailure.create({
        type: BLOB_ERRORS.notFound,
        message: `blob '${id}' referenced by the input does not exist (removed with its run?)`,
        nonRetryable: true,
      });
    }
    return decodeBlob(id, content, ref);
  });
}

export const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** The top-level run of an execution: the first segment of its workflow id. */
export const rootRunIdOf = (workflowId: string): string => workflowId.split('/')[0] || workflowId;

/**
 * Blob id of an output: derived from the execution, the step path and the content, so a retried
 * attempt producing the same output stores (and references) the same blob.
 */
export const blobIdFor = (origin: BlobOrigin, sha256: string): string =>
  sha256Hex(`${origin.workflowId}\n${origin.stepPath}\n${sha256}`).slice(0, 40);

/** The first `chars` characters of a text, never ending inside a surrogate pair. */
export function previewOf(text: string, chars = BLOB_PREVIEW_CHARS): string {
  if (text.length <= chars) return text;
  const cut = text.slice(0, chars);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * The output itself when its JSON is at most `threshold` bytes; otherwise stores it and returns
 * the reference `{ $ref: "blob:<id>", size, sha256, preview }`.
 */
export async function storeIfLarge(
  output: unknown,
  origin: BlobOrigin,
  store: Pick<BlobStore, 'put'>,
  threshold = BLOB_THRESHOLD_BYTES,
): Promise<unknown> {
  // Cheap exits: scalars and short strings are never large.
  if (output === null || output === undefined || typeof output === 'number' || typeof output === 'boolean')
    return output;
  if (typeof output === 'string' && output.length * 3 + 2 <= threshold) return output;
  const json = JSON.stringify(output);
  if (json === undefined) return output;
  const content = Buffer.from(json, 'utf8');
  if (content.length <= threshold) return output;
  const sha256 = sha256Hex(content);
  const id = blobIdFor(origin, sha256);
  await store.put({
    id,
    runId: rootRunIdOf(origin.workflowId),
    workflowId: origin.workflowId,
    stepPath: origin.stepPath,
    tenant: origin.tenant ?? null,
    sha256,
    content,
  });
  const ref: BlobRef = {
    $ref: `${BLOB_REF_SCHEME}${id}`,
    size: content.length,
    sha256,
    preview: previewOf(json),
  };
  return ref;
}
