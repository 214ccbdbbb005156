import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from '@flowgate/config';
import { builtinActivities, createActivities, EnvSecretProvider, FileSecretProvider } from '@flowgate/activities';
import { StepsRepository } from '@flowgate/store';
import type { Pool } from 'pg';
import type { WorkerConfig } from './config/worker.config';
import { StepProjectionInterceptor } from './interceptors/step-projection.interceptor';
import { bundleIsFresh, defaultBundlePath, workflowsEntry } from './workflow-bundle';

export interface FlowgateWorker {
  worker: Worker;
  connection: NativeConnection;
  identity: string;
}

/** Creates the Temporal worker: interpreter workflows + every activity under its own name. */
export async function createFlowgateWorker(config: WorkerConfig, pool: Pool, logger: Logger): Promise<FlowgateWorker> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const identity = config.FLOWGATE_WORKER_IDENTITY ?? `flowgate-worker-${process.pid}@${hostname()}`;
  const secrets = config.FLOWGATE_SECRETS_DIR ? new FileSecretProvider(config.FLOWGATE_SECRETS_DIR) : new EnvSecretProvider();
  const activities = createActivities(builtinActivities, { secrets });
  const steps = new StepsRepository(pool);

  const bundlePath = config.FLOWGATE_WORKFLOW_BUNDLE ?? defaultBundlePath;
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = bundleIsFresh(bundlePath)
    ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8') } }
    : { workflowsPath: workflowsEntry };
  logger.info({ prebuiltBundle: 'workflowBundle' in workflowSource }, 'loading interpreter workflows');

  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.FLOWGATE_TASK_QUEUE,
    identity,
    ...workflowSource,
    activities,
    interceptors: {
      activity: [() => ({ inbound: new StepProjectionInterceptor(steps, identity, logger) })],
    },
    maxConcurrentActivityTaskExecutions: config.FLOWGATE_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.FLOWGATE_MAX_CONCURRENT_WORKFLOW_TASKS,
    shutdownGraceTime: '10s',
  });
  return { worker, connection, identity };
}
