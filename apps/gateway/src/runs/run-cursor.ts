import type { RunListFilter, RunPageKey } from '@flowgate/store';
import { createHash } from 'node:crypto';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';

/**
 * Opaque page cursors: base64url of the position of the last run of a page plus a fingerprint
 * of the filter it belongs to (a cursor of another filter is refused rather than silently
 * skipping runs).
 */
export function encodeRunCursor(key: RunPageKey, filter: RunListFilter): string {
  return Buffer.from(
    JSON.stringify({ v: 1, t: key.createdAt, i: key.id, f: filterFingerprint(filter) }),
  ).toString('base64url');
}

export function decodeRunCursor(cursor: string, filter: RunListFilter, where = 'query.cursor'): RunPageKey {
  const invalid = (message: string) =>
    new DomainError(ErrorCode.ValidationFailed, 'invalid cursor', [{ path: where, message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor returned by this API');
  }
  const c = parsed as { v?: unknown; t?: unknown; i?: unknown; f?: unknown };
  if (c?.v !== 1 || typeof c.t !== 'string' || typeof c.i !== 'string' || Number.isNaN(Date.parse(c.t))) {
    throw invalid('not a cursor returned by this API');
  }
  if (c.f !== filterFingerprint(filter))
    throw invalid('the cursor belongs to a different filter; start again without a cursor');
  return { createdAt: c.t, id: c.i };
}

function filterFingerprint(f: RunListFilter): string {
  const canonical = JSON.stringify([
    [...(f.status ?? [])].sort(),
    f.pipeline ?? null,
    f.tag ?? null,
    f.createdAfter?.toISOString() ?? null,
    f.createdBefore?.toISOString() ?? null,
    f.parentRunId === undefined ? '*' : f.parentRunId,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}
