import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../support/dev-stack-process';
import { ChaosStack, until } from '../support/chaos-stack';
import {
  createLedgerTables,
  LEDGER_MODULE,
  ledgerPipeline,
  ledgerStats,
  registerPipeline,
  report,
  sleep,
  withClient,
} from '../support/reliability';

/** Scenario 2: the file-persisted Temporal dev server is killed and restarted mid-run. */

const RUNS = 10;
const STEPS = 20;
const DOWN_MS = 5_000;

let stack: ChaosStack;

beforeAll(async () => {
  stack = await ChaosStack.start({ workers: 2, workerEnv: { FLOWGATE_ACTIVITY_MODULES: LEDGER_MODULE } });
  await createLedgerTables(stack.databaseUrl);
  await registerPipeline(
    (p, i) => stack.api(p, i),
    ledgerPipeline('ledger-temporal', STEPS, { holdMs: 100, startToClose: '5s' }),
  );
});

afterAll(async () => {
  await stack?.stop();
});

describe('scenario 2: Temporal restart', () => {
  it('every run completes without manual action; workers and gateway reconnect', async () => {
    const workerPids = stack.workers.map((w) => w.pid);
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) ids.push(await stack.submitRun('ledger-temporal'));
    await until(
      async () => (await ledgerStats(stack.databaseUrl)).rows >= 60,
      'progress before the kill',
      120_000,
    );
    const rowsAtKill = (await ledgerStats(stack.databaseUrl)).rows;

    // Crash: SIGKILL, no graceful shutdown.
    await stack.temporal.stop('SIGKILL');
    const downAt = Date.now();
    // While Temporal is down nothing is started, and the gateway says so.
    const submitStarted = Date.now();
    const during = await stack.api('/runs', {
      method: 'POST',
      json: { pipeline: 'ledger-temporal' },
      timeoutMs: 30_000,
    });
    const duringBody = (await during.json()) as { code?: string };
    const submitDuringOutageMs = Date.now() - submitStarted;
    // The refused submission left nothing: no run row, no submission audit event without its run.
    const leftovers = await withClient(stack.databaseUrl, async (c) => {
      const rows = await c.query<{ runs: number; orphans: number }>(
        `SELECT (SELECT count(*)::int FROM runs WHERE pipeline_name = 'ledger-temporal' AND temporal_run_id IS NULL
                  AND created_at >= to_timestamp($1 / 1000.0)) AS runs,
                (SELECT count(*)::int FROM audit_events a WHERE a.action = 'run.started'
                  AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = a.run_id)) AS orphans`,
        [submitStarted],
      );
      return rows.rows[0];
    });
    const readyDuring = (await fetch(`${stack.gatewayUrl}/readyz`)).status;
    await sleep(Math.max(0, DOWN_MS - (Date.now() - downAt)));

    const temporalStartMs = await stack.startTemporal();
    const restartedAt = Date.now();
    const rowsAtRestart = (await ledgerStats(stack.databaseUrl)).rows;
    const gatewayReadyMs = await stack.waitReady(120_000);
    const progressMs = await until(
      async () => (await ledgerStats(stack.databaseUrl)).rows > rowsAtRestart,
      'a ledger write after the restart',
      120_000,
      100,
    );
    const statuses = await stack.waitForRuns(ids, 300_000);
    const allDoneMs = Date.now() - restartedAt;

    expect(Object.values(statuses)).toEqual(ids.map(() => 'succeeded'));
    const stats = await ledgerStats(stack.databaseUrl);
    expect(stats.rows).toBe(RUNS * STEPS);
    expect(stats.keys).toBe(RUNS * STEPS);
    // Nothing was restarted by hand: the same worker processes carried on.
    expect(stack.workers.map((w) => w.pid)).toEqual(workerPids);
    expect(workerPids.every(alive)).toBe(true);
    expect(stack.gateway.pids).toHaveLength(1);
    // Refused cleanly during the outage.
    expect(during.status).toBe(503);
    expect(duringBody.code).toBe('unavailable');
    expect(leftovers).toEqual({ runs: 0, orphans: 0 });
    expect(readyDuring).toBe(503);
    // And the gateway starts runs again.
    const after = await stack.submitRun('ledger-temporal');
    expect((await stack.waitForRuns([after], 120_000))[after]).toBe('succeeded');

    report('temporal-restart', {
      runs: RUNS + 1,
      steps: STEPS,
      ledgerRows: stats.rows,
      attempts: stats.attempts,
      retriesObserved: stats.retries,
      rowsAtKill,
      downMs: restartedAt - downAt,
      submitDuringOutage: `${during.status} ${duringBody.code}`,
      submitDuringOutageMs,
      temporalStartMs,
      gatewayReadyAfterRestartMs: gatewayReadyMs,
      firstStepAfterRestartMs: progressMs,
      allRunsDoneAfterRestartMs: allDoneMs,
    });
  });
});
