import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../support/dev-stack-process';
import { ChaosStack, until } from '../support/chaos-stack';
import {
  createLedgerTables,
  LEDGER_MODULE,
  progressPipeline,
  registerPipeline,
  report,
  sleep,
  withClient,
} from '../support/reliability';

/**
 * Scenario 4: the worker running a heartbeating activity is paused (SIGSTOP). Temporal times out
 * its heartbeat, retries the activity on the other worker, which resumes from the last heartbeat.
 */

const TOTAL = 80;
const TICK_MS = 100;

let stack: ChaosStack;

beforeAll(async () => {
  stack = await ChaosStack.start({ workers: 2, workerEnv: { FLOWGATE_ACTIVITY_MODULES: LEDGER_MODULE } });
  await createLedgerTables(stack.databaseUrl);
  await registerPipeline(
    (p, i) => stack.api(p, i),
    progressPipeline('progress-sigstop', TOTAL, TICK_MS, '2s'),
  );
});

afterAll(async () => {
  await stack?.stop();
});

interface Attempt {
  attempt: number;
  pid: number;
  resumed_from: number;
  created_at: Date;
}

async function attempts(): Promise<Attempt[]> {
  return withClient(
    stack.databaseUrl,
    async (c) =>
      (
        await c.query<Attempt>(
          'SELECT attempt, pid, resumed_from, created_at FROM reliability_progress ORDER BY attempt',
        )
      ).rows,
  );
}

describe('scenario 4: SIGSTOP inside a heartbeating activity', () => {
  it('retries on another worker and resumes from the heartbeat details', async () => {
    const id = await stack.submitRun('progress-sigstop');
    await until(async () => (await attempts()).length > 0, 'the activity to start', 60_000);
    const first = (await attempts())[0]!;
    const paused = stack.workers.find((w) => w.pid === first.pid);
    expect(paused, 'the activity runs in one of the workers').toBeDefined();
    await sleep(3_000); // ~30 ticks done and heartbeated
    paused!.signal('SIGSTOP');
    const stoppedAt = Date.now();
    try {
      const retryMs = await until(
        async () => (await attempts()).length > 1,
        'the retry',
        90_000,
        100,
        () => stack.diagnostics(),
      );
      const retry = (await attempts())[1]!;
      const statuses = await stack.waitForRuns([id], 120_000);
      const view = await stack.runView(id);
      const output = view?.output as { total: number; resumedFrom: number; attempt: number; pid: number };

      expect(statuses[id]).toBe('succeeded');
      // Attempts Temporal handed to the paused worker's still-open polls never ran (no row).
      expect(retry.attempt).toBeGreaterThanOrEqual(2);
      expect(retry.pid).not.toBe(first.pid);
      expect(retry.resumed_from).toBeGreaterThan(0);
      expect(retry.resumed_from).toBeLessThan(TOTAL);
      expect(output).toMatchObject({
        total: TOTAL,
        resumedFrom: retry.resumed_from,
        attempt: retry.attempt,
        pid: retry.pid,
      });
      report('sigstop-heartbeat', {
        runs: 1,
        heartbeatTimeout: '2s',
        pausedAfterMs: stoppedAt - first.created_at.getTime(),
        retryStartedAfterPauseMs: retryMs,
        resumedFromTick: retry.resumed_from,
        ticksRedone: Math.round((stoppedAt - first.created_at.getTime()) / TICK_MS) - retry.resumed_from,
        attemptThatRan: retry.attempt,
        attemptsSwallowedByPausedWorker: retry.attempt - 2,
      });
    } finally {
      paused!.signal('SIGCONT');
    }
    // The paused worker wakes up and carries on (its stale attempt is simply refused by Temporal).
    await sleep(3_000);
    expect(alive(paused!.pid)).toBe(true);
    const again = await stack.submitRun('progress-sigstop');
    expect((await stack.waitForRuns([again], 120_000))[again]).toBe('succeeded');
  });
});
