import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PipelinePlan } from '@flowgate/dsl';
import {
  AuditRepository,
  findResetPoint,
  RunsRepository,
  decodeJsonPayload,
  type HistoryEventLike,
  type RunRecord,
} from '@flowgate/store';
import type { RunPipelineInput } from '@flowgate/workflows';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { TEMPORAL_CLIENT } from '../infra/temporal.module';
import type { CancelRunBody, RetryRunBody } from './dto/run-control.dto';
import { applyMergePatch } from './json-merge-patch';
import { RunsService, type StartedRun } from './runs.service';

const ACTIVE = new Set(['running', 'waiting']);

export type RetryOutcome =
  | { mode: 'reset'; run: RunRecord; resetToEventId: number; failedStep: string; temporalRunId: string }
  | { mode: 'rerun'; started: StartedRun; retryOf: string };

/**
 * Cancel and retry: the run operations that talk to a running workflow. (Decisions for waiting
 * approval/input steps go through ApprovalsService.decide: the `flowgate.decide` update.)
 */
@Injectable()
export class RunControlService {
  private readonly logger = new Logger(RunControlService.name);

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly runs: RunsService,
    private readonly repo: RunsRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Requests cancellation: the workflow runs its compensations, then ends `cancelled`. */
  async cancel(principal: Principal, id: string, body: CancelRunBody = {}): Promise<RunRecord> {
    const run = await this.runs.get(principal, id);
    if (!ACTIVE.has(run.status)) {
      throw new DomainError(
        ErrorCode.InvalidRunState,
        `run '${id}' has already ${run.status === 'cancelled' ? 'been cancelled' : run.status}`,
        [],
        {
          runStatus: run.status,
        },
      );
    }
    try {
      await this.client.workflow.getHandle(id).cancel();
    } catch (err) {
      throw this.temporalError(err, id);
    }
    await this.audit.append({
      tenant: principal.tenant,
      runId: id,
      actor: principal.name,
      action: 'run.cancel_requested',
      ...(body.reason ? { details: { reason: body.reason } } : {}),
    });
    return run;
  }

  async retry(principal: Principal, id: string, body: RetryRunBody): Promise<RetryOutcome> {
    const run = await this.runs.get(principal, id);
    if (body.mode === 'reset') return this.reset(principal, run, body.reason);
    if (ACTIVE.has(run.status)) {
      throw new DomainError(
        ErrorCode.InvalidRunState,
        `run '${id}' is still ${run.status}; cancel it first or wait for it to end`,
        [],
        {
          runStatus: run.status,
        },
      );
    }
    const start = await this.startInput(id);
    const input = body.inputPatch ? applyMergePatch(run.input, body.inputPatch) : run.input;
    const started = await this.runs.launch(principal, start.plan as PipelinePlan, input, { retryOf: id });
    return { mode: 'rerun', started, retryOf: id };
  }

  private async reset(
    principal: Principal,
    run: RunRecord,
    reason: string | undefined,
  ): Promise<RetryOutcome> {
    if (run.status !== 'failed') {
      throw new DomainError(
        ErrorCode.InvalidRunState,
        `only a failed run can be reset; run '${run.id}' is ${run.status}`,
        [],
        {
          runStatus: run.status,
        },
      );
    }
    const events = await this.history(run.id);
    const point = findResetPoint(events);
    if (!point) {
      throw new DomainError(
        ErrorCode.InvalidRunState,
        `run '${run.id}' did not fail in a step that Temporal can re-run (no failed activity); retry with mode 'rerun'`,
      );
    }
    let temporalRunId: string;
    try {
      const response: temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse =
        await this.client.workflowService.resetWorkflowExecution({
          namespace: this.config.TEMPORAL_NAMESPACE,
          workflowExecution: { workflowId: run.id },
          reason: reason ?? `flowgate retry by ${principal.name}: from failed step ${point.path}`,
          // protobufjs encodes a plain number into the int64 field.
          workflowTaskFinishEventId: point.workflowTaskFinishEventId as never,
          requestId: randomUUID(),
          resetReapplyType: temporal.api.enums.v1.ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL,
        });
      temporalRunId = response.runId ?? '';
    } catch (err) {
      throw this.temporalError(err, run.id);
    }
    const reopened = (await this.repo.reopen(run.id, temporalRunId)) ?? run;
    await this.audit.append({
      tenant: principal.tenant,
      runId: run.id,
      actor: principal.name,
      action: 'run.reset',
      subject: point.path,
      details: {
        resetToEventId: point.workflowTaskFinishEventId,
        temporalRunId,
        ...(reason ? { reason } : {}),
      },
    });
    return {
      mode: 'reset',
      run: reopened,
      resetToEventId: point.workflowTaskFinishEventId,
      failedStep: point.path,
      temporalRunId,
    };
  }

  /** The workflow input of a run (its pinned plan), from the first history event. */
  private async startInput(id: string): Promise<RunPipelineInput> {
    let response: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;
    try {
      response = await this.client.workflowService.getWorkflowExecutionHistory({
        namespace: this.config.TEMPORAL_NAMESPACE,
        execution: { workflowId: id },
        maximumPageSize: 1,
      });
    } catch (err) {
      throw this.temporalError(err, id);
    }
    const payload =
      response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = payload
      ? (decodeJsonPayload((await this.decodeCodecs(payload)) as never) as RunPipelineInput | undefined)
      : undefined;
    if (!input?.plan)
      throw new DomainError(ErrorCode.InvalidRunState, `the plan of run '${id}' is no longer in Temporal`);
    return input;
  }

  /** Undoes the client's payload codecs (payload encryption) on a raw history payload. */
  private async decodeCodecs(
    payload: temporal.api.common.v1.IPayload,
  ): Promise<temporal.api.common.v1.IPayload> {
    let payloads = [payload as Payload];
    for (const codec of [...this.client.options.loadedDataConverter.payloadCodecs].reverse())
      payloads = await codec.decode(payloads);
    return payloads[0] ?? payload;
  }

  private async history(id: string): Promise<HistoryEventLike[]> {
    try {
      const history = await this.client.workflow.getHandle(id).fetchHistory();
      return (history.events ?? []) as HistoryEventLike[];
    } catch (err) {
      throw this.temporalError(err, id);
    }
  }

  private temporalError(err: unknown, id: string): DomainError {
    if (err instanceof WorkflowNotFoundError) return DomainError.notFound(`run '${id}'`);
    if (err instanceof DomainError) return err;
    this.logger.error({ runId: id, err: (err as Error).message }, 'Temporal call failed');
    return new DomainError(ErrorCode.Unavailable, 'Temporal did not answer; retry later');
  }
}
