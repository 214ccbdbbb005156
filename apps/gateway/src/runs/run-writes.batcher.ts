import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { RunsRepository, type CreateRunOutcome, type NewRun, type StartAudit } from '@flowgate/store';

/** Most writes of one kind sent in one statement. */
const MAX_BATCH = 200;

interface StartMark {
  id: string;
  temporalRunId: string;
  audit: StartAudit;
}

/**
 * Group commit of the two writes of every run submission: run rows inserted before their
 * workflows start, and starts recorded with their audit events after. Submissions that reach a
 * write in the same event-loop turn share one statement, one round trip and one commit instead
 * of paying one each; a lone submission is sent at once (setImmediate), so nothing waits for a
 * batch to fill. Durability is unchanged: each caller resolves only after the statement holding
 * its row committed. A batch that fails as a whole is retried row by row, so one bad row (e.g. a
 * rerun of a run deleted meanwhile) fails only its own submission.
 */
@Injectable()
export class RunWritesBatcher {
  private readonly inserts: DataLoader<NewRun, CreateRunOutcome>;
  private readonly starts: DataLoader<StartMark, true>;

  constructor(private readonly runs: RunsRepository) {
    const options = {
      cache: false,
      maxBatchSize: MAX_BATCH,
      batchScheduleFn: (run: () => void) => setImmediate(run),
    };
    this.inserts = new DataLoader((rows) => this.each(rows, (r) => this.runs.createMany(r)), options);
    this.starts = new DataLoader(
      (marks) =>
        this.each(marks, async (m) => {
          await this.runs.markStartedMany(m);
          return m.map(() => true as const);
        }),
      options,
    );
  }

  /** RunsRepository.create, batched. */
  create(run: NewRun): Promise<CreateRunOutcome> {
    return this.inserts.load(run);
  }

  /** RunsRepository.markStarted, batched. */
  markStarted(id: string, temporalRunId: string, audit: StartAudit): Promise<true> {
    return this.starts.load({ id, temporalRunId, audit });
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
