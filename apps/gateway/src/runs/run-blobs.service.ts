import { Injectable } from '@nestjs/common';
import {
  BlobsRepository,
  findBlobRefs,
  replaceBlobRefs,
  RunsRepository,
  type BlobRecord,
} from '@flowgate/store';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';

/** Most blob bytes resolved into run outputs per response (REST request or GraphQL operation). */
export const RESOLVE_OUTPUT_MAX_BYTES = 10 * 1024 * 1024;

/** Blob bytes a response may still inline. */
export class BlobBudget {
  constructor(private remaining = RESOLVE_OUTPUT_MAX_BYTES) {}

  take(bytes: number): boolean {
    if (bytes > this.remaining) return false;
    this.remaining -= bytes;
    return true;
  }
}

/** The top-level run of a run id (child run ids are `<root>/<step path>`): blobs belong to it. */
export const rootRunOf = (runId: string): string => runId.split('/')[0] || runId;

/**
 * Large step outputs stored by reference (`{ "$ref": "blob:<id>", size, sha256, preview }`): their
 * resolution in run outputs for callers, and their download. Always tenant-scoped: a blob is
 * visible only through a run of the caller's tenant in the same run tree.
 */
@Injectable()
export class RunBlobsService {
  constructor(
    private readonly blobs: BlobsRepository,
    private readonly runs: RunsRepository,
  ) {}

  /**
   * `output` with each blob reference replaced by the blob's value, in document order while the
   * budget lasts; references past it (or to blobs that are gone) are returned as they are.
   */
  async resolveOutput(
    tenant: string,
    runId: string,
    output: unknown,
    budget: BlobBudget = new BlobBudget(),
  ): Promise<unknown> {
    const refs = findBlobRefs(output);
    if (refs.length === 0) return output;
    const root = rootRunOf(runId);
    const ids = [...new Set(refs.map((r) => r.id))];
    const sizes = new Map((await this.blobs.getForRun(tenant, root, ids)).map((b) => [b.id, b.size]));
    const chosen = ids.filter((id) => sizes.has(id) && budget.take(sizes.get(id)!));
    if (chosen.length === 0) return output;
    const loaded = await this.blobs.getForRun(tenant, root, chosen, { withContent: true });
    const values = new Map(
      loaded.map((b) => [b.id, b.content ? (JSON.parse(b.content.toString('utf8')) as unknown) : undefined]),
    );
    return replaceBlobRefs(output, async (id) => values.get(id));
  }

  /** One blob of a run of the caller's tenant (404 for anything else). */
  async download(
    principal: Principal,
    runId: string,
    blobId: string,
  ): Promise<BlobRecord & { content: Buffer }> {
    const run = await this.runs.get(principal.tenant, runId);
    if (!run) throw DomainError.notFound(`run '${runId}'`);
    const [blob] = await this.blobs.getForRun(principal.tenant, rootRunOf(run.id), [blobId], {
      withContent: true,
    });
    if (!blob?.content) throw DomainError.notFound(`blob '${blobId}' of run '${runId}'`);
    return { ...blob, content: blob.content };
  }
}
