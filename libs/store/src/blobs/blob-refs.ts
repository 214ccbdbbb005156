/**
 * Blob references (claim checks): what replaces an activity result too large for Temporal
 * history. Shared by the worker (which stores and resolves them) and the gateway (which resolves
 * them in run outputs for callers).
 */

/** `$ref` values of blob references start with this. */
export const BLOB_REF_SCHEME = 'blob:';

/** What replaces a large output: the claim check. */
export interface BlobRef {
  $ref: string;
  /** Bytes of the output's UTF-8 JSON text. */
  size: number;
  /** Hex SHA-256 of those bytes. */
  sha256: string;
  /** The first characters (512) of the JSON text. */
  preview: string;
}

const BLOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The blob id of a reference object (`{ "$ref": "blob:<id>", ... }`), else undefined. */
export function blobIdOf(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const ref = value.$ref;
  if (typeof ref !== 'string' || !ref.startsWith(BLOB_REF_SCHEME)) return undefined;
  const id = ref.slice(BLOB_REF_SCHEME.length);
  return BLOB_ID.test(id) ? id : undefined;
}

export function isBlobRef(value: unknown): value is BlobRef {
  return blobIdOf(value) !== undefined;
}

/** Every blob reference anywhere in a JSON-like value, in document order (duplicates kept). */
export function findBlobRefs(value: unknown): { id: string; ref: Record<string, unknown> }[] {
  const found: { id: string; ref: Record<string, unknown> }[] = [];
  const walk = (v: unknown): void => {
    const id = blobIdOf(v);
    if (id !== undefined) {
      found.push({ id, ref: v as Record<string, unknown> });
      return;
    }
    if (Array.isArray(v)) v.forEach(walk);
    else if (isPlainObject(v)) Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

/**
 * A copy of `value` with each reference replaced by what `load` returns for its id (each id
 * loaded once, concurrently); references for which `load` returns `undefined` stay as they are.
 * The value itself when it holds no reference.
 */
export async function replaceBlobRefs<T>(
  value: T,
  load: (id: string, ref: Record<string, unknown>) => Promise<unknown>,
): Promise<T> {
  const refs = findBlobRefs(value);
  if (refs.length === 0) return value;
  const first = new Map<string, Record<string, unknown>>();
  for (const r of refs) if (!first.has(r.id)) first.set(r.id, r.ref);
  const loaded = new Map<string, unknown>(
    await Promise.all([...first].map(async ([id, ref]) => [id, await load(id, ref)] as const)),
  );
  const walk = (v: unknown): unknown => {
    const id = blobIdOf(v);
    if (id !== undefined) return loaded.get(id) === undefined ? v : loaded.get(id);
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
