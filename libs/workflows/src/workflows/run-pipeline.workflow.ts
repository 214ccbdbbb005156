import { ContinueAsNew, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Json } from '@flowgate/dsl';
import type { RunPipelineInput, RunPipelineResult, StepRecord } from '../wire/run.types';
import { Interpreter, topContext } from '../runtime/interpreter';
import { installHitlHandlers, progressQuery } from './messages';
import { failureSummary, reportRun } from '../runtime/run-projection';

/** Default pipeline output: every top-level step's output, by id. */
function defaultOutput(results: Record<string, StepRecord>): Json {
  const out: { [id: string]: Json } = {};
  for (const [id, r] of Object.entries(results)) out[id] = r.output;
  return out;
}

/**
 * The generic interpreter: runs any pinned plan. On failure or cancellation the compensations of
 * completed steps run (reverse completion order, non-cancellable) before the run ends failed or
 * cancelled. A long top-level loop continues-as-new with its state.
 */
export async function runPipeline(input: RunPipelineInput): Promise<RunPipelineResult> {
  // The run id is the workflow id. Callers pass it in `run.id`, except Temporal Schedules, whose
  // one fixed action starts each run under `<action workflow id>-<fire time>`: those runs take the
  // workflow id (for every other run the two are equal, so replays are unaffected).
  const { workflowId } = workflowInfo();
  const args: RunPipelineInput =
    input.run.id === workflowId ? input : { ...input, run: { ...input.run, id: workflowId } };
  const { plan } = args;
  const rt = new Interpreter({
    input: args.input,
    run: args.run,
    pipeline: { name: plan.pipeline.name, version: plan.pipeline.version },
    ...(args.limits ? { limits: args.limits } : {}),
    ...(args.resume ? { resume: args.resume } : {}),
    onWaiting: (waitingFor) => {
      if (rt.progress.status !== 'running' && rt.progress.status !== 'waiting') return;
      rt.progress.status = waitingFor.length > 0 ? 'waiting' : 'running';
      reportRun(args.run, plan, rt.progress.status, { waitingFor });
    },
    continueAsNewInput: (resume) => ({
      plan,
      input: args.input,
      run: args.run,
      resume,
      ...(args.limits ? { limits: args.limits } : {}),
    }),
  });
  setHandler(progressQuery, () => rt.progress.snapshot());
  installHitlHandlers(rt.hitl);
  if (!args.resume) reportRun(args.run, plan, 'running', { input: args.input });

  try {
    const { results } = await rt.runTop(plan.steps);
    const output =
      plan.output !== undefined
        ? await rt.evaluate(plan.output, topContext(rt, results), 'output', 'pipeline output')
        : defaultOutput(results);
    rt.progress.status = 'succeeded';
    reportRun(args.run, plan, 'succeeded', { output });
    return { output };
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    rt.progress.status = isCancellation(err) ? 'cancelled' : 'failed';
    await rt.saga.unwindAll(rt);
    reportRun(args.run, plan, rt.progress.status, { error: failureSummary(err) });
    throw err;
  }
}
