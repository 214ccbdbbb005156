import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosStack, until } from '../support/chaos-stack';
import {
  createLedgerTables,
  LEDGER_MODULE,
  ledgerStats,
  pgConnections,
  procSample,
  registerPipeline,
  report,
  sleep,
  withClient,
  type ProcSample,
} from '../support/reliability';

/**
 * Scenario 6: soak. 1,000 runs submitted at a steady rate all complete; worker memory stays
 * bounded (RSS from /proc); no connection or handle leaks (pg_stat_activity, /proc/<pid>/fd).
 * FLOWGATE_SOAK_RUNS and FLOWGATE_SOAK_RATE (runs per second) scale it.
 */

const RUNS = Number(process.env.FLOWGATE_SOAK_RUNS ?? 1_000);
const RATE = Number(process.env.FLOWGATE_SOAK_RATE ?? 8);
const SAMPLE_MS = 5_000;

let stack: ChaosStack;

beforeAll(async () => {
  stack = await ChaosStack.start({ workers: 2, workerEnv: { FLOWGATE_ACTIVITY_MODULES: LEDGER_MODULE } });
  await createLedgerTables(stack.databaseUrl);
  await registerPipeline((p, i) => stack.api(p, i), {
    apiVersion: 'flowgate/v1',
    kind: 'Pipeline',
    metadata: { name: 'soak', version: 1 },
    spec: {
      input: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
      steps: [
        { id: 'echo', uses: 'core.echo', with: { n: '${ input.n }' } },
        { id: 'double', set: { v: '${ steps.echo.output.n * 2 }' } },
        { id: 'write', uses: 'reliability.ledger-write', with: {} },
      ],
      output: '${ steps.double.output.v }',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('scenario 6: soak', () => {
  it(`${RUNS} runs at ${RATE}/s complete with bounded memory, connections and handles`, async () => {
    const started = Date.now();
    const samples: Record<string, ProcSample[]> = {};
    const connections: { t: number; n: number }[] = [];
    const sample = async () => {
      const t = Math.round((Date.now() - started) / 1000);
      for (const p of [...stack.workers, stack.gateway]) (samples[p.name] ??= []).push(procSample(p.pid, t));
      connections.push({ t, n: await pgConnections(stack.databaseUrl) });
    };
    await sample();
    const sampler = setInterval(() => void sample().catch(() => undefined), SAMPLE_MS);

    const submitErrors: string[] = [];
    const submissions: Promise<void>[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const due = started + (i * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        submissions.push(
          stack
            .submitRun('soak', { n: i })
            .then(() => undefined)
            .catch((e: Error) => void submitErrors.push(e.message)),
        );
      }
      await Promise.all(submissions);
      const submittedMs = Date.now() - started;
      const doneMs = await until(
        async () =>
          withClient(stack.databaseUrl, async (c) => {
            const { rows } = await c.query<{ n: string }>(
              `SELECT count(*) AS n FROM runs WHERE pipeline_name = 'soak' AND status IN ('succeeded', 'failed', 'cancelled')`,
            );
            return Number(rows[0]!.n) >= RUNS;
          }),
        `${RUNS} runs to end`,
        600_000,
        1_000,
      );
      // Idle for a while: pools shrink back, nothing keeps growing.
      await sleep(2 * SAMPLE_MS);
      clearInterval(sampler);
      await sample();

      const byStatus = await withClient(stack.databaseUrl, async (c) =>
        Object.fromEntries(
          (
            await c.query<{ status: string; n: string }>(
              `SELECT status, count(*) AS n FROM runs WHERE pipeline_name = 'soak' GROUP BY status`,
            )
          ).rows.map((r) => [r.status, Number(r.n)]),
        ),
      );
      const stats = await ledgerStats(stack.databaseUrl);

      expect(submitErrors).toEqual([]);
      expect(byStatus).toEqual({ succeeded: RUNS });
      expect(stats.rows).toBe(RUNS);

      // Bounded memory and handles: compare the end with the state after the first fifth (warm-up).
      const summary: Record<string, unknown> = {};
      for (const [name, list] of Object.entries(samples)) {
        const warm = list[Math.max(1, Math.floor(list.length / 5))]!;
        const end = list[list.length - 1]!;
        const peak = Math.max(...list.map((s) => s.rssMb));
        summary[name] = {
          rssMb: { start: list[0]!.rssMb, warm: warm.rssMb, peak, end: end.rssMb },
          fds: {
            start: list[0]!.fds,
            warm: warm.fds,
            peak: Math.max(...list.map((s) => s.fds)),
            end: end.fds,
          },
          threads: { warm: warm.threads, end: end.threads },
          rssOverTime: list.map((s) => [s.t, s.rssMb]),
        };
        expect(end.rssMb, `${name} RSS`).toBeLessThan(Math.max(warm.rssMb * 1.5, warm.rssMb + 150));
        expect(end.fds, `${name} open fds`).toBeLessThanOrEqual(warm.fds + 20);
      }
      const warmConn = connections[Math.max(1, Math.floor(connections.length / 5))]!.n;
      const peakConn = Math.max(...connections.map((c) => c.n));
      const endConn = connections[connections.length - 1]!.n;
      // Pools are bounded (worker 10 + ledger 4 each, gateway pool, LISTEN): never a leak per run.
      expect(peakConn).toBeLessThanOrEqual(60);
      expect(endConn).toBeLessThanOrEqual(warmConn + 10);

      report('soak', {
        runs: RUNS,
        ratePerSecond: RATE,
        submitMs: submittedMs,
        allDoneMs: doneMs + submittedMs,
        statuses: byStatus,
        ledgerRows: stats.rows,
        retriesObserved: stats.retries,
        pgConnections: { warm: warmConn, peak: peakConn, end: endConn },
        processes: summary,
      });
    } finally {
      clearInterval(sampler);
    }
  });
});
