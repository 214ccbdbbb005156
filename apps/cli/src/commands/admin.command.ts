import type { Command } from 'commander';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { coreEnvShape, parseEnv } from '@flowgate/config';
import {
  createPool,
  mergeProgressSteps,
  projectHistory,
  ProjectionRepository,
  type HistoryEventLike,
  type ProgressStepLike,
} from '@flowgate/store';
import { PROGRESS_QUERY, type RunProgress } from '@flowgate/workflows';
import { z } from 'zod';

const adminEnv = z.object({ ...coreEnvShape });

const QUERY_TIMEOUT_MS = 5_000;

/** `flowgate admin …`: operator commands against Temporal and PostgreSQL directly. */
export function registerAdminCommand(program: Command): void {
  const admin = program
    .command('admin')
    .description('operator commands (talk to Temporal and PostgreSQL directly)');

  admin
    .command('reproject')
    .description(
      "rebuild a run's projection (run status/output/error, steps, attempts) from its Temporal history",
    )
    .argument('<runId>', 'the run id (= Temporal workflow id)')
    .option('--no-query', 'do not ask a worker for the live run tree (non-activity steps then stay out)')
    .option('--dry-run', 'print what would be written, write nothing', false)
    .action(async (runId: string, opts: { query: boolean; dryRun: boolean }) => {
      const env = parseEnv(adminEnv);
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: '10s' });
      const pool = createPool(env.DATABASE_URL, { max: 2 });
      try {
        const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
        const handle = client.workflow.getHandle(runId);
        let history;
        try {
          history = await handle.fetchHistory();
        } catch (err) {
          if (err instanceof WorkflowNotFoundError)
            throw new Error(`run '${runId}' is not in Temporal namespace '${env.TEMPORAL_NAMESPACE}'`);
          throw err;
        }
        let projection = projectHistory(runId, (history.events ?? []) as HistoryEventLike[]);
        if (opts.query) {
          const progress = await Promise.race([
            handle.query<RunProgress>(PROGRESS_QUERY).catch(() => undefined),
            new Promise<undefined>((r) => setTimeout(() => r(undefined), QUERY_TIMEOUT_MS).unref()),
          ]);
          if (progress) projection = mergeProgressSteps(projection, progress.steps as ProgressStepLike[]);
        }
        const description = await handle.describe();
        const summary = {
          runId,
          status: projection.run.status,
          steps: projection.steps.length,
          attempts: projection.attempts.length,
          temporalRunId: description.runId,
        };
        if (opts.dryRun) {
          process.stdout.write(`${JSON.stringify({ ...summary, dryRun: true, projection }, null, 2)}\n`);
          return;
        }
        const result = await new ProjectionRepository(pool).replace(projection, description.runId);
        process.stdout.write(
          `${JSON.stringify({ ...summary, runCreated: result.runCreated, written: { steps: result.steps, attempts: result.attempts } })}\n`,
        );
      } finally {
        await pool.end();
        await connection.close();
      }
    });
}
