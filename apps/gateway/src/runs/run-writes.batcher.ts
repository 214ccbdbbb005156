import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { RunsRepository, type CreateRunOutcome, type NewRun } from '@flowgate/store';

/** Most submissions written in one statement. */
const MAX_BATCH = 200;

/**
 * Group commit of the write of every run submission: its run row and audit event, inserted before
 * its workflow starts. Submissions that reach the write in the same event-loop turn share one
 * statement, one round trip and one commit instead of paying one each; a lone submission is sent
 * at once (setImmediate), so nothing waits for a batch to fill. Durability is unchanged: each
 * caller resolves only after the statement holding its row committed. A batch that fails as a
 * whole is retried row by row, so one bad row (e.g. a rerun of a run deleted meanwhile) fails only
 * its own submission.
 */
@Injectable()
export class RunWritesBatcher {
  private readonly inserts: DataLoader<NewRun, CreateRunOutcome>;

  constructor(private readonly runs: RunsRepository) {
    const options = {
      cache: false,
      maxBatchSize: MAX_BATCH,
      batchScheduleFn: (run: () => void) => setImmediate(run),
    };
    this.inserts = new DataLoader((rows) => this.each(rows, (r) => this.runs.createMany(r)), options);
  }

  /** RunsRepository.create, batched. */
  create(run: NewRun): Promise<CreateRunOutcome> {
    return this.inserts.load(run);
  }

  private async each<K, V>(
    keys: readonly K[],
    write: (keys: readonly K[]) => Promise<V[]>,
  ): Promise<(V | Error)[]> {
    try {
      return await write(keys);
    } catch (err) {
      if (keys.length === 1) return [toError(err)];
      // Rare: one at a time, in arrival order (the first of two equal idempotency keys wins).
      const out: (V | Error)[] = [];
      for (const k of keys) out.push(await write([k]).then((v) => v[0] as V, toError));
      return out;
    }
  }
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
