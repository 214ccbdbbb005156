import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { RunsRepository, type RunRecord, type RunStatusValue } from '@flowgate/store';
import type { RunPipelineResult } from '@flowgate/workflows';
import { TEMPORAL_CLIENT } from '../infra/temporal.module';

/** The failure of a run as shown to users: the innermost cause carries the step and the reason. */
export interface RunError {
  type: string;
  message: string;
}

function failureOf(err: unknown): RunError {
  let cause: unknown = err;
  while ((cause as { cause?: unknown })?.cause) cause = (cause as { cause: unknown }).cause;
  const c = cause as { type?: string; name?: string; message?: string };
  return { type: c.type ?? c.name ?? 'Error', message: c.message ?? String(cause) };
}

/**
 * Brings a run's projected status up to date with Temporal, the source of truth: used when a
 * reader sees a non-terminal status (covers terminations and anything the worker missed).
 */
@Injectable()
export class RunReconcilerService {
  private readonly logger = new Logger(RunReconcilerService.name);

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    private readonly runs: RunsRepository,
  ) {}

  async reconcile(run: RunRecord): Promise<RunRecord> {
    if (run.status !== 'running' && run.status !== 'waiting') return run;
    const handle = this.client.workflow.getHandle(run.id);
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return run;
      this.logger.warn({ runId: run.id, err: (err as Error).message }, 'could not describe run');
      return run;
    }
    const update = await this.outcome(handle, status);
    if (!update) return run;
    const updated = await this.runs.updateStatus(run.id, update.status, update);
    // Undefined when another reader recorded the terminal state first: read that.
    return updated ?? (await this.runs.get(run.tenant, run.id)) ?? run;
  }

  private async outcome(
    handle: ReturnType<Client['workflow']['getHandle']>,
    status: string,
  ): Promise<{ status: RunStatusValue; output?: unknown; error?: RunError } | undefined> {
    switch (status) {
      case 'COMPLETED': {
        const result = (await handle.result()) as RunPipelineResult;
        return { status: 'succeeded', output: result.output };
      }
      case 'FAILED':
      case 'TIMED_OUT':
        try {
          await handle.result();
          return undefined;
        } catch (err) {
          return { status: 'failed', error: failureOf(err instanceof WorkflowFailedError ? err.cause : err) };
        }
      case 'CANCELED':
        return { status: 'cancelled' };
      case 'TERMINATED':
        return {
          status: 'failed',
          error: { type: 'Terminated', message: 'the run was terminated in Temporal' },
        };
      default:
        return undefined;
    }
  }
}
