import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import type { PipelinePlan } from '@flowgate/dsl';
import {
  MEMO_KEYS,
  RUN_PIPELINE_WORKFLOW,
  SEARCH_ATTRIBUTES,
  type RunPipelineInput,
} from '@flowgate/workflows';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { TEMPORAL_CLIENT } from '../infra/temporal.module';

const pipelineKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.pipeline, SearchAttributeType.KEYWORD);
const versionKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.pipelineVersion, SearchAttributeType.INT);
const tenantKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tenant, SearchAttributeType.KEYWORD);
const tagsKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tags, SearchAttributeType.KEYWORD_LIST);

/**
 * The options of a run's workflow start: id = run id, the run's search attributes (pipeline,
 * version, tenant, tags), memo (digest, submitter) and summary. Exported so that benchmarks start
 * their baseline workflows exactly as the gateway does.
 */
export function runWorkflowStartOptions(input: RunPipelineInput, taskQueue: string) {
  const plan: PipelinePlan = input.plan;
  return {
    taskQueue,
    workflowId: input.run.id,
    args: [input] as [RunPipelineInput],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: pipelineKey, value: plan.pipeline.name },
      { key: versionKey, value: plan.pipeline.version },
      { key: tenantKey, value: input.run.tenant },
      { key: tagsKey, value: plan.pipeline.tags },
    ]),
    memo: { [MEMO_KEYS.digest]: plan.digest, [MEMO_KEYS.submittedBy]: input.run.submittedBy },
    staticSummary: `${plan.pipeline.name} v${plan.pipeline.version}`,
  };
}

/** Starts the interpreter workflow for a pinned plan. */
@Injectable()
export class RunStarterService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Starts the run's workflow. Starting an already-started run id is not an error (idempotent).
   * The Temporal run id is not needed here: the worker records it with the run's first report.
   */
  async start(input: RunPipelineInput): Promise<void> {
    try {
      await this.client.workflow.start(
        RUN_PIPELINE_WORKFLOW,
        runWorkflowStartOptions(input, this.config.FLOWGATE_TASK_QUEUE),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
