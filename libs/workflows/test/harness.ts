import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Json, PipelinePlan } from '@flowgate/dsl';
import {
  RUN_PIPELINE_WORKFLOW,
  type InterpreterLimits,
  type RunPipelineInput,
  type RunPipelineResult,
} from '../src/index';
import { startTemporalTestEnv } from '../../../test/support/temporal-env';
import { createTestActivities } from './test-activities';

export const WORKFLOWS_PATH = require.resolve('../src/workflows.ts');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The interpreter bundle, built once per test file (the SDK bundler compiles TypeScript directly). */
export function interpreterBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger() });
  return bundle;
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

export interface Harness {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  events: string[];
  start(
    plan: PipelinePlan,
    input?: Json,
    limits?: Partial<InterpreterLimits>,
  ): Promise<WorkflowHandleWithFirstExecutionRunId>;
  run(plan: PipelinePlan, input?: Json, limits?: Partial<InterpreterLimits>): Promise<RunPipelineResult>;
  stop(): Promise<void>;
}

/** One Temporal dev server + one worker (interpreter bundle + test activities) per test file. */
export async function startHarness(): Promise<Harness> {
  const env = await startTemporalTestEnv();
  const taskQueue = `wf-test-${randomUUID()}`;
  const { activities, events } = createTestActivities();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await interpreterBundle(),
    activities,
    maxConcurrentWorkflowTaskExecutions: 20,
  });
  const running = worker.run();
  const start = (plan: PipelinePlan, input: Json = {}, limits?: Partial<InterpreterLimits>) => {
    const workflowId = `run-${randomUUID()}`;
    const args: RunPipelineInput = {
      plan,
      input,
      run: { id: workflowId, tenant: 'acme', submittedBy: 'tester', submittedAt: new Date().toISOString() },
      ...(limits ? { limits } : {}),
    };
    return env.client.workflow.start(RUN_PIPELINE_WORKFLOW, { taskQueue, workflowId, args: [args] });
  };
  return {
    env,
    taskQueue,
    events,
    start,
    async run(plan, input, limits) {
      const handle = await start(plan, input, limits);
      return (await handle.result()) as RunPipelineResult;
    },
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
