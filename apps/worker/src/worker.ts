import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { flowgateDataConverter } from '@flowgate/codec';
import type { Logger } from '@flowgate/config';
import {
  assembleActivities,
  CircuitBreaker,
  createActivities,
  createBuiltins,
  EnvSecretProvider,
  FileSecretProvider,
  collectActivityModules,
  type ActivityDefinition,
} from '@flowgate/activities';
import {
  ApprovalsRepository,
  BlobsRepository,
  CircuitBreakersRepository,
  RunTreeRepository,
  StepsRepository,
} from '@flowgate/store';
import type { Pool } from 'pg';
import type { WorkerConfig } from './config/worker.config';
import { StepProjectionInterceptor } from './interceptors/step-projection.interceptor';
import type { WorkerObservabilityHooks } from './observability/worker-observability';
import { createPolicyEnforcement } from './policy/create-policy-enforcement';
import { loadPolicyEnforcementConfig } from './policy/policy-enforcement.config';
import { RunTreeProjector } from './projection/run-tree-projector';
import { bundleIsFresh, defaultBundlePath, workflowsEntry } from './workflow-bundle';

export interface FlowgateWorker {
  worker: Worker;
  connection: NativeConnection;
  identity: string;
  /** Every activity registered (built-ins and user modules): what the catalog publishes. */
  definitions: ActivityDefinition[];
  /** Shared circuit breaker (undefined when disabled): its `circuitStates()` feeds metrics. */
  circuits?: CircuitBreaker;
  /** Writes the run tree the interpreter reports; `stop()` it after the worker stopped. */
  projector: RunTreeProjector;
  /** Releases what the activities hold (SQL pools); call after the worker stopped. */
  closeActivities(): Promise<void>;
}

/** Built-in activities configured from the environment, plus the user modules it names. */
export async function loadActivityDefinitions(config: WorkerConfig, pool: Pool, logger: Logger) {
  const circuits = config.FLOWGATE_CIRCUIT_BREAKER
    ? new CircuitBreaker(
        new CircuitBreakersRepository(pool),
        {
          failureThreshold: config.FLOWGATE_CIRCUIT_FAILURE_THRESHOLD,
          coolDownMs: config.FLOWGATE_CIRCUIT_COOLDOWN_MS,
        },
        logger.child({ component: 'circuit-breaker' }),
      )
    : undefined;
  const builtins = createBuiltins({
    circuits,
    settings: {
      http: {
        timeoutMs: config.FLOWGATE_HTTP_TIMEOUT_MS,
        maxResponseBytes: config.FLOWGATE_HTTP_MAX_RESPONSE_BYTES,
        maxRetryAfterMs: config.FLOWGATE_HTTP_MAX_RETRY_AFTER_MS,
      },
      llm: {
        baseUrl: config.FLOWGATE_LLM_BASE_URL,
        apiKeySecret: config.FLOWGATE_LLM_API_KEY_SECRET,
        timeoutMs: config.FLOWGATE_LLM_TIMEOUT_MS,
        ...(config.FLOWGATE_LLM_PRICES ? { prices: config.FLOWGATE_LLM_PRICES } : {}),
      },
      sql: {
        maxRows: config.FLOWGATE_SQL_MAX_ROWS,
        timeoutMs: config.FLOWGATE_SQL_TIMEOUT_MS,
        poolSize: config.FLOWGATE_SQL_POOL_SIZE,
      },
    },
  });
  const { loaded: user, problems } = await collectActivityModules(config.FLOWGATE_ACTIVITY_MODULES);
  const definitions = assembleActivities(
    [...builtins.definitions.map((definition) => ({ definition, source: 'builtin' })), ...user],
    problems,
  );
  if (user.length > 0) {
    logger.info(
      { activities: user.map((u) => `${u.definition.name} (${u.source})`) },
      'user activity modules loaded',
    );
  }
  return { definitions, circuits, close: builtins.close };
}

/** Creates the Temporal worker: interpreter workflows + every activity under its own name. */
export async function createFlowgateWorker(
  config: WorkerConfig,
  pool: Pool,
  logger: Logger,
  /** Tracing and metrics interceptors and sinks (WorkerObservability.hooks()). */
  observability?: WorkerObservabilityHooks,
): Promise<FlowgateWorker> {
  // Activity modules first: a bad module stops start-up before anything connects.
  const { definitions, circuits, close } = await loadActivityDefinitions(config, pool, logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const identity = config.FLOWGATE_WORKER_IDENTITY ?? `flowgate-worker-${process.pid}@${hostname()}`;
  const secrets = config.FLOWGATE_SECRETS_DIR
    ? new FileSecretProvider(config.FLOWGATE_SECRETS_DIR)
    : new EnvSecretProvider();
  const activities = createActivities(definitions, { secrets, blobs: new BlobsRepository(pool) });
  const steps = new StepsRepository(pool);
  const projector = new RunTreeProjector(
    new RunTreeRepository(pool),
    logger.child({ component: 'projection' }),
    new ApprovalsRepository(pool),
  );
  // Governance enforcement point: live policy check, atomic budget reservation, settlement.
  const policyEnforcement = createPolicyEnforcement(pool, loadPolicyEnforcementConfig(), identity, logger);

  const bundlePath = config.FLOWGATE_WORKFLOW_BUNDLE ?? defaultBundlePath;
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = bundleIsFresh(bundlePath)
    ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8') } }
    : { workflowsPath: workflowsEntry };
  logger.info({ prebuiltBundle: 'workflowBundle' in workflowSource }, 'loading interpreter workflows');

  // Payload encryption (FLOWGATE_PAYLOAD_KEYS): the codec runs outside the workflow sandbox.
  const dataConverter = flowgateDataConverter(config.FLOWGATE_PAYLOAD_KEYS);
  const worker = await Worker.create({
    connection,
    ...(dataConverter ? { dataConverter } : {}),
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.FLOWGATE_TASK_QUEUE,
    identity,
    ...workflowSource,
    activities,
    sinks: observability ? observability.sinks(projector.sinks()) : projector.sinks(),
    interceptors: {
      activity: [
        ...(observability?.activityInterceptors ?? []),
        () => ({ inbound: new StepProjectionInterceptor(steps, identity, logger) }),
        ...(policyEnforcement ? [policyEnforcement] : []),
      ],
      // A prebuilt bundle already contains the workflow interceptors (bundle-workflows.ts).
      ...(observability && 'workflowsPath' in workflowSource
        ? { workflowModules: observability.workflowModules }
        : {}),
    },
    maxConcurrentActivityTaskExecutions: config.FLOWGATE_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.FLOWGATE_MAX_CONCURRENT_WORKFLOW_TASKS,
    shutdownGraceTime: '10s',
  });
  projector.start();
  return { worker, connection, identity, definitions, circuits, projector, closeActivities: close };
}
