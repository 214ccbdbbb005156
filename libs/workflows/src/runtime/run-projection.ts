import { proxySinks } from '@temporalio/workflow';
import type { PipelinePlan } from '@flowgate/dsl';
import { PROJECTION_SINK, type ProjectionSinks, type RunChange } from '../wire/projection.types';
import type { RunMeta, RunStatus } from '../wire/run.types';

/** The innermost cause of a failure, as shown to users. */
export function failureSummary(err: unknown): { type: string; message: string } {
  let cause: unknown = err;
  while ((cause as { cause?: unknown } | undefined)?.cause) cause = (cause as { cause: unknown }).cause;
  const c = cause as { type?: string; name?: string; message?: string };
  return { type: c.type ?? c.name ?? 'Error', message: c.message ?? String(cause) };
}

/** Reports run-level state changes to the projection sink (no history events). */
export function reportRun(
  run: RunMeta,
  plan: PipelinePlan,
  status: RunStatus,
  extra: Pick<RunChange, 'input' | 'output' | 'error' | 'waitingFor'> = {},
): void {
  const change: RunChange = {
    runId: run.id,
    tenant: run.tenant,
    status,
    pipeline: {
      name: plan.pipeline.name,
      version: plan.pipeline.version,
      digest: plan.digest,
      tags: plan.pipeline.tags,
    },
    submittedBy: run.submittedBy,
    ...(run.parent ? { parent: run.parent } : {}),
    ...extra,
  };
  proxySinks<ProjectionSinks>()[PROJECTION_SINK].run(change);
}
