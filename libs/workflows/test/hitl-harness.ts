import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';
import { createActivities, createBuiltins, EnvSecretProvider } from '@flowgate/activities';
import type { Json, PipelinePlan } from '@flowgate/dsl';
import {
  DECIDE_UPDATE,
  PENDING_QUERY,
  PROJECTION_SINK,
  RUN_PIPELINE_WORKFLOW,
  type ApprovalChange,
  type DecideResult,
  type DecisionPayload,
  type HitlRequest,
  type ProjectionSinks,
  type RunChange,
  type RunPipelineInput,
} from '../src/index';
import { interpreterBundle } from './harness';
import { createTestActivities } from './test-activities';

/** Approval/input tests: the shared dev server, the interpreter bundle, test activities + the real notify.webhook. */
export interface HitlHarness {
  client: Client;
  taskQueue: string;
  address: string;
  approvals: ApprovalChange[];
  runs: RunChange[];
  start(plan: PipelinePlan, input?: Json): Promise<WorkflowHandle>;
  /** Polls the pending query until a request for `stepId` is open. */
  waitPending(handle: WorkflowHandle, stepId: string, round?: number): Promise<HitlRequest>;
  decide(handle: WorkflowHandle, payload: DecisionPayload): Promise<DecideResult>;
  stop(): Promise<void>;
}

export async function startHitlHarness(address: string): Promise<HitlHarness> {
  const taskQueue = `hitl-test-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address });
  const approvals: ApprovalChange[] = [];
  const runs: RunChange[] = [];
  const sinks: InjectedSinks<ProjectionSinks> = {
    [PROJECTION_SINK]: {
      run: { fn: (_i, c) => void runs.push(c), callDuringReplay: false },
      step: { fn: () => undefined, callDuringReplay: false },
      approval: { fn: (_i, c) => void approvals.push(c), callDuringReplay: false },
    },
  };
  const builtins = createBuiltins();
  const real = createActivities(
    builtins.definitions.filter((d) => d.name === 'notify.webhook'),
    { secrets: new EnvSecretProvider() },
  );
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: await interpreterBundle(),
    activities: { ...createTestActivities().activities, ...real },
    sinks,
    maxConcurrentWorkflowTaskExecutions: 20,
  });
  const running = worker.run();

  const harness: HitlHarness = {
    client,
    taskQueue,
    address,
    approvals,
    runs,
    start(plan, input = {}) {
      const workflowId = `hitl-${randomUUID()}`;
      const args: RunPipelineInput = {
        plan,
        input,
        run: { id: workflowId, tenant: 'acme', submittedBy: 'tester', submittedAt: new Date().toISOString() },
      };
      return client.workflow.start(RUN_PIPELINE_WORKFLOW, { taskQueue, workflowId, args: [args] });
    },
    async waitPending(handle, stepId, round = 0) {
      const until = Date.now() + 20_000;
      for (;;) {
        const pending = await handle.query<HitlRequest[]>(PENDING_QUERY);
        const found = pending.find(
          (r) => (r.stepId === stepId || r.stepPath === stepId) && r.round === round,
        );
        if (found) return found;
        if (Date.now() > until) throw new Error(`step ${stepId} never became pending`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    decide(handle, payload) {
      return handle.executeUpdate<DecideResult, [DecisionPayload]>(DECIDE_UPDATE, { args: [payload] });
    },
    async stop() {
      worker.shutdown();
      await running;
      await builtins.close();
      await native.close();
      await connection.close();
    },
  };
  return harness;
}
