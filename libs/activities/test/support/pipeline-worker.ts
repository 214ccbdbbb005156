import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Json, PipelinePlan, Template, UsesStepPlan } from '@flowgate/dsl';
import {
  createActivities,
  type ActivityDefinition,
  type BlobStore,
  type SecretProvider,
} from '../../src/index';
import { quietLogger } from './run-activity';

/** Workflow type of the interpreter (a wire name of @flowgate/workflows). */
export const RUN_PIPELINE = 'runPipeline';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The compiled interpreter (build first: `npx tsc -b`), bundled once per test file. */
function interpreterBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('@flowgate/workflows/dist/workflows.js'),
    logger: quietLogger,
  });
  return bundle;
}

export interface PipelineWorker {
  client: Client;
  taskQueue: string;
  start(plan: PipelinePlan, input?: Json): Promise<WorkflowHandle>;
  stop(): Promise<void>;
}

/** A real Temporal worker (interpreter + the given activities) on a fresh task queue. */
export async function startPipelineWorker(
  temporalAddress: string,
  definitions: readonly ActivityDefinition[],
  secrets: SecretProvider,
  blobs?: BlobStore,
): Promise<PipelineWorker> {
  try {
    Runtime.install({ logger: quietLogger });
  } catch {
    // Already installed in this process.
  }
  const taskQueue = `activities-test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await interpreterBundle(),
    activities: createActivities(definitions, { secrets, ...(blobs ? { blobs } : {}) }),
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    start: (plan, input = {}) => {
      const id = `run-${randomUUID()}`;
      return client.workflow.start(RUN_PIPELINE, {
        taskQueue,
        workflowId: id,
        args: [
          {
            plan,
            input,
            run: { id, tenant: 'acme', submittedBy: 'tester', submittedAt: new Date().toISOString() },
          },
        ],
      });
    },
    stop: async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** A `uses` step of a hand-written plan. */
export function usesStep(
  id: string,
  activity: string,
  withT: Template,
  o: { needs?: string[]; timeout?: UsesStepPlan['timeout']; maxAttempts?: number } = {},
): UsesStepPlan {
  return {
    id,
    path: id,
    kind: 'uses',
    uses: activity,
    with: withT,
    needs: o.needs ?? [],
    retry: {
      maxAttempts: o.maxAttempts ?? 1,
      initialIntervalMs: 100,
      backoffCoefficient: 2,
      maxIntervalMs: 1_000,
      nonRetryable: [],
    },
    timeout: o.timeout ?? { startToCloseMs: 30_000 },
    onError: 'fail',
    tags: [],
  };
}

/** A hand-written plan whose steps run in the given order. */
export function planOf(name: string, steps: UsesStepPlan[], output?: string): PipelinePlan {
  return {
    apiVersion: 'flowgate/v1',
    pipeline: { name, version: 1, tags: [] },
    digest: '0'.repeat(64),
    steps: steps.map((s, i) => ({ ...s, needs: i === 0 ? [] : [steps[i - 1]!.id] })),
    ...(output !== undefined ? { output } : {}),
    activities: [...new Set(steps.map((s) => s.uses))],
  };
}

/**
 * The whole workflow history as text, with every payload decoded (payload data is bytes: a
 * plain JSON.stringify would show numbers, and a search for a secret would prove nothing).
 */
export async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const decode = (data: unknown) =>
    data instanceof Uint8Array
      ? Buffer.from(data).toString('utf8')
      : Buffer.from(String(data), 'base64').toString('utf8');
  return JSON.stringify(history, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    // A payload: { metadata: { encoding: <bytes> }, data: <bytes> }, bytes as Uint8Array or base64.
    if (value && typeof value === 'object' && 'metadata' in value && 'data' in value) {
      const p = value as { metadata: Record<string, unknown>; data: unknown };
      return {
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, decode(v)])),
        data: decode(p.data),
      };
    }
    return value;
  });
}
