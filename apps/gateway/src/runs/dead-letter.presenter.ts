import { canReset, type DeadLetterItem } from './dead-letter.service';
import { presentRun } from './run.presenter';

/** Public JSON shape of a dead-letter entry: the run, plus where and why it failed. */
export function presentDeadLetter(item: DeadLetterItem, temporalUi: string) {
  const self = `/v1/runs/${encodeURIComponent(item.run.id)}`;
  return {
    ...presentRun(item.run, { temporalUi }),
    failedAt: item.failedAt.toISOString(),
    failedStep: item.failedStep
      ? {
          path: item.failedStep.path,
          id: item.failedStep.stepId,
          kind: item.failedStep.kind,
          attempts: item.failedStep.attempts,
          error: item.failedStep.error ?? null,
          finishedAt: item.failedStep.finishedAt?.toISOString() ?? null,
        }
      : null,
    rerunBy: item.rerunBy,
    retry: {
      href: `${self}/retry`,
      /** `mode: reset` re-runs the failed step in place (it is an activity step). */
      canReset: canReset(item),
    },
  };
}
