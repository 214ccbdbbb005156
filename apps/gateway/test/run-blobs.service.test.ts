import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import type { BlobsRepository, RunsRepository } from '@flowgate/store';
import type { Principal } from '../src/auth/principal';
import { DomainError } from '../src/common/errors/domain.error';
import { BlobBudget, RunBlobsService, rootRunOf } from '../src/runs/run-blobs.service';

const principal: Principal = { keyId: 'k', name: 'ana', tenant: 't', role: 'viewer' };

/** Blobs of run tree `r1` in tenant `t`; every query is recorded. */
function service() {
  const stored: Record<string, unknown> = { a: { rows: [1, 2, 3] }, b: 'bee', c: { c: true } };
  const queries: { tenant: string; runId: string; ids: readonly string[]; content: boolean }[] = [];
  const blobs = {
    getForRun: async (
      tenant: string,
      runId: string,
      ids: readonly string[],
      opts: { withContent?: boolean } = {},
    ) => {
      queries.push({ tenant, runId, ids, content: !!opts.withContent });
      if (tenant !== 't' || runId !== 'r1') return [];
      return ids
        .filter((id) => id in stored)
        .map((id) => {
          const content = Buffer.from(JSON.stringify(stored[id]));
          return { id, size: content.length, ...(opts.withContent ? { content } : {}) };
        });
    },
  } as unknown as BlobsRepository;
  const runs = {
    get: async (tenant: string, id: string) => (tenant === 't' && id.startsWith('r1') ? { id } : undefined),
  } as unknown as RunsRepository;
  return { svc: new RunBlobsService(blobs, runs), queries };
}

const ref = (id: string) => ({ $ref: `blob:${id}`, size: 1, sha256: 'x', preview: '…' });

describe('RunBlobsService', () => {
  it('resolves references of the run tree (child runs use their root), leaving unknown ones', async () => {
    const { svc, queries } = service();
    const output = { doc: ref('a'), list: [ref('b'), ref('a'), ref('gone')], n: 1 };
    expect(await svc.resolveOutput('t', 'r1/sub', output)).toEqual({
      doc: { rows: [1, 2, 3] },
      list: ['bee', { rows: [1, 2, 3] }, ref('gone')],
      n: 1,
    });
    expect(queries.every((q) => q.runId === 'r1' && q.tenant === 't')).toBe(true);
  });

  it('does not query anything for outputs without references', async () => {
    const { svc, queries } = service();
    const output = { plain: [1, { $ref: '#/x' }] };
    expect(await svc.resolveOutput('t', 'r1', output)).toBe(output);
    expect(queries).toEqual([]);
  });

  it('never resolves another tenant’s blobs', async () => {
    const { svc } = service();
    expect(await svc.resolveOutput('other', 'r1', { doc: ref('a') })).toEqual({ doc: ref('a') });
  });

  it('stops resolving past the budget, in document order, and shares it across calls', async () => {
    const { svc } = service();
    const budget = new BlobBudget(20);
    // a = 18 bytes fits; b (5 bytes) would exceed 20; c comes after.
    expect(await svc.resolveOutput('t', 'r1', { x: ref('a'), y: ref('b') }, budget)).toEqual({
      x: { rows: [1, 2, 3] },
      y: ref('b'),
    });
    expect(await svc.resolveOutput('t', 'r1', { z: ref('b') }, budget)).toEqual({ z: ref('b') });
  });

  it('downloads a blob of a run of the caller’s tenant, else 404', async () => {
    const { svc } = service();
    const blob = await svc.download(principal, 'r1', 'a');
    expect(JSON.parse(blob.content.toString('utf8'))).toEqual({ rows: [1, 2, 3] });
    await expect(svc.download(principal, 'r1', 'nope')).rejects.toBeInstanceOf(DomainError);
    await expect(svc.download({ ...principal, tenant: 'other' }, 'r1', 'a')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('takes the root of child run ids', () => {
    expect(rootRunOf('r1/items[0-99]/sub')).toBe('r1');
    expect(rootRunOf('r1')).toBe('r1');
  });
});
