import { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { Logger } from '@flowgate/config';
import type { StepsRepository } from '@flowgate/store';

const PREVIEW_LIMIT = 512;

/** Step id of a runtime step path: the last segment without indices (`m[3]/draft` → `draft`). */
export function stepIdOfPath(path: string): string {
  const last = path.split('/').pop() ?? path;
  return last.replace(/\[\d+\]$/, '');
}

export function preview(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value) ?? 'null';
  return json.length > PREVIEW_LIMIT ? `${json.slice(0, PREVIEW_LIMIT - 1)}…` : json;
}

/**
 * Projects every activity attempt into PostgreSQL (step_runs, attempts) as it starts and ends.
 * Projection is best effort: a database hiccup is logged and never fails the step; the run tree
 * can be rebuilt from Temporal history.
 */
export class StepProjectionInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly steps: StepsRepository,
    private readonly identity: string,
    private readonly logger: Logger,
  ) {}

  async execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    const info = Context.current().info;
    const runId = info.workflowExecution?.workflowId;
    if (!runId) return next(input);
    const path = info.activityId;
    const log = this.logger.child({
      runId,
      stepPath: path,
      activity: info.activityType,
      attempt: info.attempt,
    });
    await this.safely(log, () =>
      this.steps.attemptStarted({
        runId,
        path,
        stepId: stepIdOfPath(path),
        kind: 'uses',
        attempt: info.attempt,
        worker: this.identity,
      }),
    );
    try {
      const result = await next(input);
      log.debug('step attempt succeeded');
      await this.safely(log, () =>
        this.steps.attemptFinished({
          runId,
          path,
          attempt: info.attempt,
          status: 'succeeded',
          stepStatus: 'succeeded',
          outputPreview: preview(result),
        }),
      );
      return result;
    } catch (err) {
      const error = {
        type: (err as { type?: string }).type ?? (err as Error).name,
        message: (err as Error).message,
      };
      log.warn({ err: error }, 'step attempt failed');
      await this.safely(log, () =>
        this.steps.attemptFinished({
          runId,
          path,
          attempt: info.attempt,
          status: 'failed',
          stepStatus: 'running',
          error,
        }),
      );
      throw err;
    }
  }

  private async safely(log: Logger, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'run-tree projection write failed');
    }
  }
}
