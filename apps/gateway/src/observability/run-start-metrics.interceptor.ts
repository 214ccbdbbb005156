import type {
  Next,
  WorkflowClientInterceptor,
  WorkflowStartInput,
  WorkflowStartOutput,
} from '@temporalio/client';
import { RUN_PIPELINE_WORKFLOW, type RunPipelineInput } from '@flowgate/workflows';
import type { GatewayMetrics } from './gateway-metrics';

/** Pipeline name of a `runPipeline` start, from its (not yet encoded) argument. */
export function pipelineOfStart(input: WorkflowStartInput): string | undefined {
  if (input.workflowType !== RUN_PIPELINE_WORKFLOW) return undefined;
  const arg = input.options.args?.[0] as Partial<RunPipelineInput> | undefined;
  return arg?.plan?.pipeline?.name;
}

/**
 * Counts `flowgate_runs_started_total{pipeline}` when Temporal accepted a `runPipeline` start.
 * An already-started run id (an idempotent replay) throws and is not counted again.
 */
export class RunStartMetricsInterceptor implements WorkflowClientInterceptor {
  constructor(private readonly metrics: GatewayMetrics) {}

  async startWithDetails(
    input: WorkflowStartInput,
    next: Next<WorkflowClientInterceptor, 'startWithDetails'>,
  ): Promise<WorkflowStartOutput> {
    const output = await next(input);
    const pipeline = pipelineOfStart(input);
    if (pipeline !== undefined) this.metrics.runsStarted.inc({ pipeline });
    return output;
  }
}
