import type { Pool } from 'pg';

/** A stored blob without its content. */
export interface BlobRecord {
  id: string;
  /** The top-level run the blob belongs to (removed with it). */
  runId: string;
  workflowId: string;
  stepPath: string;
  tenant: string | null;
  /** Bytes of `content`. */
  size: number;
  /** Hex SHA-256 of `content`. */
  sha256: string;
  createdAt: Date;
}

export interface NewBlob {
  id: string;
  runId: string;
  workflowId: string;
  stepPath: string;
  tenant?: string | null;
  sha256: string;
  /** The exact bytes to keep (Flowgate stores UTF-8 JSON text). */
  content: Buffer;
}

interface BlobRow {
  id: string;
  run_id: string;
  workflow_id: string;
  step_path: string;
  tenant: string | null;
  size: string | number;
  sha256: string;
  created_at: Date;
  content?: Buffer;
}

const META = 'b.id, b.run_id, b.workflow_id, b.step_path, b.tenant, b.size, b.sha256, b.created_at';

const toRecord = (r: BlobRow): BlobRecord => ({
  id: r.id,
  runId: r.run_id,
  workflowId: r.workflow_id,
  stepPath: r.step_path,
  tenant: r.tenant,
  size: Number(r.size),
  sha256: r.sha256,
  createdAt: r.created_at,
});

/**
 * Large step outputs stored by reference (`blobs`). Ids are derived from the producing execution
 * and the content, so `put` is idempotent: a retried activity that produces the same output
 * stores nothing new.
 */
export class BlobsRepository {
  constructor(private readonly pool: Pool) {}

  async put(blob: NewBlob): Promise<void> {
    await this.pool.query(
      `INSERT INTO blobs (id, run_id, workflow_id, step_path, tenant, size, sha256, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [
        blob.id,
        blob.runId,
        blob.workflowId,
        blob.stepPath,
        blob.tenant ?? null,
        blob.content.length,
        blob.sha256,
        blob.content,
      ],
    );
  }

  /** A blob's content by id (the worker resolving references in activity inputs). */
  async content(id: string): Promise<Buffer | undefined> {
    const res = await this.pool.query<{ content: Buffer }>('SELECT content FROM blobs WHERE id = $1', [id]);
    return res.rows[0]?.content;
  }

  /**
   * Blobs of a run tree, only when that run belongs to `tenant` (the gateway): `runId` is the
   * top-level run. Unknown ids, other runs' and other tenants' blobs are simply missing.
   */
  async getForRun(
    tenant: string,
    runId: string,
    ids: readonly string[],
    opts: { withContent?: boolean } = {},
  ): Promise<(BlobRecord & { content?: Buffer })[]> {
    if (ids.length === 0) return [];
    const res = await this.pool.query<BlobRow>(
      `SELECT ${META}${opts.withContent ? ', b.content' : ''}
         FROM blobs b JOIN runs r ON r.id = b.run_id
        WHERE b.id = ANY($1::text[]) AND b.run_id = $2 AND r.tenant = $3`,
      [[...ids], runId, tenant],
    );
    return res.rows.map((r) => ({ ...toRecord(r), ...(r.content ? { content: r.content } : {}) }));
  }

  /** Every blob of a run (metadata only), oldest first. */
  async listByRun(runId: string): Promise<BlobRecord[]> {
    const res = await this.pool.query<BlobRow>(
      `SELECT ${META} FROM blobs b WHERE b.run_id = $1 ORDER BY b.created_at, b.id`,
      [runId],
    );
    return res.rows.map(toRecord);
  }

  /** Removes a run's blobs (deleting the run's row does it too, by trigger). */
  async deleteByRun(runId: string): Promise<number> {
    const res = await this.pool.query('DELETE FROM blobs WHERE run_id = $1', [runId]);
    return res.rowCount ?? 0;
  }
}
