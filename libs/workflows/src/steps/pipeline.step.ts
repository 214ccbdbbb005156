import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { executeChild, workflowInfo } from '@temporalio/workflow';
import type { Json, PipelineStepPlan } from '@flowgate/dsl';
import { childWorkflowId } from '../decisions/paths.decision';
import { MEMO_KEYS, RUN_PIPELINE_WORKFLOW, SEARCH_ATTRIBUTES } from '../wire/names';
import type { RunPipelineInput, RunPipelineResult } from '../wire/run.types';
import type { Runtime, Scope } from '../runtime/runtime.types';

type RunPipeline = (input: RunPipelineInput) => Promise<RunPipelineResult>;

const PIPELINE_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.pipeline, SearchAttributeType.KEYWORD);
const VERSION_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.pipelineVersion, SearchAttributeType.INT);
const TENANT_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tenant, SearchAttributeType.KEYWORD);
const TAGS_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tags, SearchAttributeType.KEYWORD_LIST);

/**
 * `pipeline`: the pinned child plan runs as a child `runPipeline` with workflow id
 * `${parentId}/${stepPath}`; the child's search attributes follow the same pattern as a
 * submitted run (its own pipeline name/version/tags, the parent's tenant). Result: the child's output.
 */
export async function runPipelineStep(
  step: PipelineStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const input = await rt.template(step.input, rt.context(scope), path, 'input');
  const parentId = workflowInfo().workflowId;
  const workflowId = childWorkflowId(parentId, path);
  rt.progress.addChild(path, workflowId);
  const childInput: RunPipelineInput = {
    plan: step.plan,
    input,
    run: {
      id: workflowId,
      tenant: rt.run.tenant,
      submittedBy: rt.run.submittedBy,
      submittedAt: new Date().toISOString(),
      parent: { runId: rt.run.id, stepPath: path },
    },
    ...(rt.limitOverrides ? { limits: rt.limitOverrides } : {}),
  };
  const result = await executeChild<RunPipeline>(RUN_PIPELINE_WORKFLOW, {
    workflowId,
    args: [childInput],
    memo: { [MEMO_KEYS.digest]: step.plan.digest, [MEMO_KEYS.submittedBy]: rt.run.submittedBy },
    typedSearchAttributes: [
      { key: PIPELINE_KEY, value: step.plan.pipeline.name },
      { key: VERSION_KEY, value: step.plan.pipeline.version },
      { key: TENANT_KEY, value: rt.run.tenant },
      ...(step.plan.pipeline.tags.length ? [{ key: TAGS_KEY, value: step.plan.pipeline.tags }] : []),
    ],
  });
  return result.output;
}
