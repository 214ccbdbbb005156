import { Runtime } from '@temporalio/worker';
import { ConfigError, createLogger } from '@flowgate/config';
import { ActivityModuleError, toCatalog } from '@flowgate/activities';
import { ActivityCatalogRepository, createPool, migrate } from '@flowgate/store';
import { loadWorkerConfig } from './config/worker.config';
import { TemporalPinoLogger } from './logging/temporal-pino.logger';
import { WorkerObservability } from './observability/worker-observability';
import { createFlowgateWorker } from './worker';

/** Worker process: polls the task queue until SIGINT/SIGTERM, then drains and exits. */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger('flowgate-worker', config.LOG_LEVEL);
  // Traces (OTLP when configured), metrics, /healthz, /readyz: see docs/operations.md#observability.
  const observability = await WorkerObservability.create(config, logger);
  await observability.startHttp();
  const sdkLogger = new TemporalPinoLogger(logger.child({ component: 'temporal-sdk' }));
  const telemetryOptions = observability.runtimeTelemetry();
  try {
    Runtime.install({ logger: sdkLogger, ...(telemetryOptions ? { telemetryOptions } : {}) });
  } catch (err) {
    // Only the automatic loopback port may have been taken meanwhile; an explicit address must work.
    if (!telemetryOptions || config.FLOWGATE_TEMPORAL_METRICS_ADDRESS) throw err;
    observability.dropTemporalMetrics(err as Error);
    Runtime.install({ logger: sdkLogger });
  }
  if (config.FLOWGATE_MIGRATE) await migrate(config.DATABASE_URL, logger);
  const pool = createPool(config.DATABASE_URL, { max: 10 });
  observability.attach({ pool });
  const { worker, connection, identity, definitions, circuits, projector, closeActivities } =
    await createFlowgateWorker(config, pool, logger, observability.hooks());
  observability.attach({ worker, connection, circuits });
  await new ActivityCatalogRepository(pool).publish([...toCatalog(definitions).values()], identity);

  const stop = (reason: string) => {
    if (worker.getState() === 'RUNNING') {
      logger.info({ reason }, 'worker shutting down');
      worker.shutdown();
    }
  };
  // The Temporal runtime already turns SIGINT/SIGTERM into a graceful shutdown.
  if (config.FLOWGATE_EXIT_WITH_PARENT) {
    process.stdin.on('end', () => stop('parent exited'));
    process.stdin.resume();
  }

  logger.info(
    { identity, taskQueue: config.FLOWGATE_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS },
    'worker started',
  );
  try {
    await worker.run();
  } finally {
    await projector.stop();
    await connection.close();
    await closeActivities();
    await observability.close();
    await pool.end();
    logger.info('worker stopped');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      err instanceof ConfigError || err instanceof ActivityModuleError
        ? `flowgate-worker: ${err.message}\n`
        : `flowgate-worker: fatal: ${(err as Error).stack ?? String(err)}\n`,
    );
    process.exit(1);
  },
);
