import { Client as TemporalClient, Connection } from '@temporalio/client';
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

/**
 * Scenario 3: PostgreSQL is stopped (every connection dropped) and started again mid-run. Runs go
 * on or retry; the run-tree projection (written by the workers) catches up with nothing missing.
 */

const RUNS = 10;
const STEPS = 20;
const DOWN_MS = 8_000;

let stack: ChaosStack;

beforeAll(async () => {
  stack = await ChaosStack.start({ workers: 2, workerEnv: { FLOWGATE_ACTIVITY_MODULES: LEDGER_MODULE } });
  await createLedgerTables(stack.databaseUrl);
  await registerPipeline(
    (p, i) => stack.api(p, i),
    ledgerPipeline('ledger-postgres', STEPS, { holdMs: 100, startToClose: '5s', maxAttempts: 100 }),
  );
});

afterAll(async () => {
  await stack?.stop();
});

describe('scenario 3: PostgreSQL restart', () => {
  it('runs complete and the projection catches up with nothing missing', async () => {
    const workerPids = stack.workers.map((w) => w.pid);
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) ids.push(await stack.submitRun('ledger-postgres'));
    await until(
      async () => (await ledgerStats(stack.databaseUrl)).rows >= 60,
      'progress before the stop',
      120_000,
    );
    const rowsAtStop = (await ledgerStats(stack.databaseUrl)).rows;

    await stack.stopPostgres();
    const downAt = Date.now();
    const submitStarted = Date.now();
    const during = await stack.api('/runs', {
      method: 'POST',
      json: { pipeline: 'ledger-postgres' },
      timeoutMs: 30_000,
    });
    const duringBody = (await during.json().catch(() => ({}))) as { code?: string };
    const submitDuringOutageMs = Date.now() - submitStarted;
    const readyDuring = (await fetch(`${stack.gatewayUrl}/readyz`)).status;
    await sleep(Math.max(0, DOWN_MS - (Date.now() - downAt)));
    await stack.startPostgres();
    const upAt = Date.now();

    const progressMs = await until(
      async () => (await ledgerStats(stack.databaseUrl).catch(() => ({ rows: 0 }))).rows > rowsAtStop,
      'a ledger write after the restart',
      120_000,
      100,
    );
    // Temporal (not the projection) says when the runs ended.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const temporal = new TemporalClient({ connection });
    const results = await Promise.allSettled(ids.map((id) => temporal.workflow.getHandle(id).result()));
    const runsDoneMs = Date.now() - upAt;
    const described = await Promise.all(ids.map((id) => temporal.workflow.getHandle(id).describe()));
    await connection.close();
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'fulfilled'));
    expect(described.map((d) => d.status.name)).toEqual(ids.map(() => 'COMPLETED'));

    // The projection catches up: run rows match Temporal, every step row is there and ended.
    const catchUpMs = await until(
      async () =>
        withClient(stack.databaseUrl, async (c) => {
          const runs = await c.query<{ id: string; status: string }>(
            'SELECT id, status FROM runs WHERE id = ANY($1)',
            [ids],
          );
          const steps = await c.query<{ n: string; ended: string }>(
            `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'succeeded') AS ended
               FROM step_runs WHERE run_id = ANY($1)`,
            [ids],
          );
          return (
            runs.rows.length === RUNS &&
            runs.rows.every((r) => r.status === 'succeeded') &&
            Number(steps.rows[0]!.n) === RUNS * STEPS &&
            Number(steps.rows[0]!.ended) === RUNS * STEPS
          );
        }),
      'the projection to catch up',
      60_000,
      500,
      () => stack.diagnostics(),
    );
    const projection = await withClient(stack.databaseUrl, async (c) => {
      const { rows } = await c.query<{
        steps_with_attempts: string;
        attempt_rows: string;
        step_attempts: string;
      }>(
        `SELECT (SELECT count(DISTINCT (run_id, path)) FROM attempts WHERE run_id = ANY($1)) AS steps_with_attempts,
                (SELECT count(*) FROM attempts WHERE run_id = ANY($1)) AS attempt_rows,
                (SELECT coalesce(sum(attempts), 0) FROM step_runs WHERE run_id = ANY($1)) AS step_attempts`,
        [ids],
      );
      return rows[0]!;
    });

    const stats = await ledgerStats(stack.databaseUrl);
    expect(stats.rows).toBe(RUNS * STEPS);
    expect(stats.keys).toBe(RUNS * STEPS);
    // The workers and the gateway rode it out (no crash, no restart).
    expect(stack.workers.map((w) => w.pid)).toEqual(workerPids);
    expect(workerPids.every(alive)).toBe(true);
    expect(stack.gateway.pids).toHaveLength(1);
    const gatewayReadyMs = await stack.waitReady(60_000);
    const after = await stack.submitRun('ledger-postgres');
    expect((await stack.waitForRuns([after], 120_000))[after]).toBe('succeeded');
    // Refused cleanly during the outage (documented: 503 unavailable, nothing started).
    expect(during.status).toBe(503);
    expect(duringBody.code).toBe('unavailable');
    expect(readyDuring).toBe(503);
    // Every attempt the interpreter counted on a step is at least as many as the attempt rows
    // (attempt rows of attempts made while PostgreSQL was down are best effort; see docs).
    expect(Number(projection.steps_with_attempts)).toBe(RUNS * STEPS);
    expect(Number(projection.step_attempts)).toBeGreaterThanOrEqual(Number(projection.attempt_rows));

    report('postgres-restart', {
      runs: RUNS + 1,
      steps: STEPS,
      ledgerRows: stats.rows,
      ledgerAttempts: stats.attempts,
      retriesObserved: Number(projection.step_attempts) - RUNS * STEPS,
      rowsAtStop,
      downMs: upAt - downAt,
      submitDuringOutage: `${during.status} ${duringBody.code}`,
      submitDuringOutageMs,
      readyzDuringOutage: readyDuring,
      firstStepAfterRestartMs: progressMs,
      runsDoneAfterRestartMs: runsDoneMs,
      projectionCaughtUpMs: catchUpMs,
      gatewayReadyMs,
      attemptRows: Number(projection.attempt_rows),
      stepsWithAttemptRows: Number(projection.steps_with_attempts),
      attemptsCountedOnSteps: Number(projection.step_attempts),
    });
  });
});
