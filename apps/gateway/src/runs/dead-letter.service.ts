import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DeadLetterRepository,
  RunsRepository,
  type DeadLetterEntry,
  type DeadLetterFilter,
  type DeadLetterKey,
  type RunRecord,
} from '@flowgate/store';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import type { DeadLetterQuery } from './dto/dead-letter.dto';

export interface DeadLetterItem extends DeadLetterEntry {
  run: RunRecord;
}

export interface DeadLetterPageResult {
  items: DeadLetterItem[];
  cursors: string[];
  nextCursor: string | null;
}

/**
 * The dead-letter view: failed runs (they failed after their retries), most recently failed
 * first, with the step they failed in. Retry them with `POST /v1/runs/:id/retry`.
 */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly deadLetter: DeadLetterRepository,
    private readonly runs: RunsRepository,
  ) {}

  async list(
    principal: Principal,
    query: DeadLetterQuery,
    where = 'query.cursor',
  ): Promise<DeadLetterPageResult> {
    const filter: DeadLetterFilter = {
      ...(query.pipeline ? { pipeline: query.pipeline } : {}),
      ...(query.rerun !== 'any' ? { rerun: query.rerun === 'yes' } : {}),
      topLevelOnly: query.parent === 'none',
    };
    const after = query.cursor ? decodeDeadLetterCursor(query.cursor, filter, where) : undefined;
    const page = await this.deadLetter.page(principal.tenant, filter, {
      limit: query.limit,
      ...(after ? { after } : {}),
    });
    const runs = new Map(
      (
        await this.runs.getMany(
          principal.tenant,
          page.entries.map((e) => e.runId),
        )
      ).map((r) => [r.id, r]),
    );
    const items: DeadLetterItem[] = [];
    const cursors: string[] = [];
    page.entries.forEach((entry, i) => {
      const run = runs.get(entry.runId);
      if (!run) return; // removed between the two reads
      items.push({ ...entry, run });
      cursors.push(encodeDeadLetterCursor(page.keys[i]!, filter));
    });
    return { items, cursors, nextCursor: page.next ? encodeDeadLetterCursor(page.next, filter) : null };
  }
}

/** Whether `POST /v1/runs/:id/retry` with `mode: reset` can re-run the failed step (an activity step). */
export const canReset = (item: DeadLetterEntry): boolean => item.failedStep?.kind === 'uses';

function fingerprint(f: DeadLetterFilter): string {
  return createHash('sha256')
    .update(JSON.stringify(['dead-letter', f.pipeline ?? null, f.rerun ?? null, f.topLevelOnly ?? false]))
    .digest('base64url')
    .slice(0, 12);
}

export function encodeDeadLetterCursor(key: DeadLetterKey, filter: DeadLetterFilter): string {
  return Buffer.from(JSON.stringify({ v: 1, d: key.failedAt, i: key.id, f: fingerprint(filter) })).toString(
    'base64url',
  );
}

export function decodeDeadLetterCursor(
  cursor: string,
  filter: DeadLetterFilter,
  where: string,
): DeadLetterKey {
  const invalid = (message: string) =>
    new DomainError(ErrorCode.ValidationFailed, 'invalid cursor', [{ path: where, message }]);
  let c: { v?: unknown; d?: unknown; i?: unknown; f?: unknown } | undefined;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof c;
  } catch {
    throw invalid('not a cursor returned by this API');
  }
  if (c?.v !== 1 || typeof c.d !== 'string' || typeof c.i !== 'string' || Number.isNaN(Date.parse(c.d)))
    throw invalid('not a cursor returned by this API');
  if (c.f !== fingerprint(filter))
    throw invalid('the cursor belongs to a different filter; start again without a cursor');
  return { failedAt: c.d, id: c.i };
}
