import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ApprovalsRepository,
  OPEN_APPROVAL_STATUSES,
  RunsRepository,
  type ApprovalRecord,
  type ApprovalStatus,
  type ApprovalViewer,
} from '@flowgate/store';
import {
  DECIDE_UPDATE,
  DECISION_ERRORS,
  type DecideResult,
  type DecisionPayload,
  type SchemaIssue,
} from '@flowgate/workflows';
import type { Principal } from '../auth/principal';
import { DomainError, type ProblemItem } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { TEMPORAL_CLIENT } from '../infra/temporal.module';
import type { DecideBody, ListApprovalsQuery } from './dto/approvals.dto';

const ACTIVE_RUN = new Set(['running', 'waiting']);
const CLOSED: ApprovalStatus[] = ['approved', 'rejected', 'timed_out', 'submitted', 'cancelled'];

/** What each decision refusal of the workflow means over HTTP. */
const ERROR_OF: Record<string, ErrorCode> = {
  [DECISION_ERRORS.notApprover]: ErrorCode.Forbidden,
  [DECISION_ERRORS.unknownStep]: ErrorCode.NotFound,
  [DECISION_ERRORS.closed]: ErrorCode.Conflict,
  [DECISION_ERRORS.ambiguous]: ErrorCode.Conflict,
  [DECISION_ERRORS.invalidData]: ErrorCode.ValidationFailed,
};

/**
 * Human-in-the-loop requests: what the caller may decide (from the `approvals` projection) and
 * decisions, delivered with the `flowgate.decide` update so the caller learns at once whether
 * the workflow accepted them. The caller's identity is the key name; its roles are the key's
 * role plus the key's approver groups.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    private readonly approvals: ApprovalsRepository,
    private readonly runs: RunsRepository,
  ) {}

  async viewer(principal: Principal): Promise<ApprovalViewer> {
    const carried = (principal as Principal & { groups?: readonly string[] }).groups;
    const groups = carried ?? (await this.approvals.groupsOfKey(principal.keyId));
    return { userId: principal.name, roles: [principal.role, ...groups], admin: principal.role === 'admin' };
  }

  async list(principal: Principal, query: ListApprovalsQuery): Promise<ApprovalRecord[]> {
    const statuses =
      query.status === 'all'
        ? undefined
        : query.status === 'pending'
          ? [...OPEN_APPROVAL_STATUSES]
          : query.status === 'decided'
            ? CLOSED
            : [query.status];
    return this.approvals.listFor(principal.tenant, await this.viewer(principal), {
      ...(statuses ? { statuses } : {}),
      ...(query.runId ? { runId: query.runId } : {}),
      limit: query.limit,
    });
  }

  /** Delivers a vote or input data through the update; the answer is the step's state after it. */
  async decide(principal: Principal, runId: string, body: DecideBody): Promise<DecideResult> {
    const run = await this.runs.get(principal.tenant, runId);
    if (!run) throw DomainError.notFound(`run '${runId}'`);
    if (!ACTIVE_RUN.has(run.status)) {
      throw new DomainError(
        ErrorCode.InvalidRunState,
        `run '${runId}' has ended (${run.status}); nothing waits for a decision`,
        [],
        {
          runStatus: run.status,
        },
      );
    }
    const viewer = await this.viewer(principal);
    const payload: DecisionPayload = {
      stepId: body.stepId,
      ...(body.decision !== undefined ? { decision: body.decision } : {}),
      ...(body.data !== undefined ? { data: body.data as DecisionPayload['data'] } : {}),
      comment: body.comment,
      actor: { id: viewer.userId, roles: [...viewer.roles] },
    };
    const workflowId = await this.workflowOf(principal.tenant, runId, body.stepId);
    try {
      return await this.client.workflow
        .getHandle(workflowId)
        .executeUpdate<DecideResult, [DecisionPayload]>(DECIDE_UPDATE, { args: [payload] });
    } catch (err) {
      throw await this.decisionError(err, principal.tenant, runId);
    }
  }

  /** Map-batch children hold their items' requests: address the execution the projection names. */
  private async workflowOf(tenant: string, runId: string, stepId: string): Promise<string> {
    const rows = await this.approvals.listByRun(tenant, runId);
    const row =
      rows.find((r) => r.stepPath === stepId) ??
      rows.find((r) => r.stepId === stepId && OPEN_APPROVAL_STATUSES.includes(r.status));
    return row?.workflowId ?? runId;
  }

  private async decisionError(err: unknown, tenant: string, runId: string): Promise<DomainError> {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const failure = err.cause;
      const code = ERROR_OF[failure.type ?? ''];
      if (code) {
        const issues = ((failure.details?.[0] as { errors?: SchemaIssue[] } | undefined)?.errors ?? []).map(
          (i): ProblemItem => ({ code: i.keyword ?? 'schema', path: i.path, message: i.message }),
        );
        return new DomainError(code, failure.message, issues, { reason: failure.type });
      }
    }
    if (err instanceof WorkflowNotFoundError || isCompleted(err)) {
      const run = await this.runs.get(tenant, runId);
      if (run && !ACTIVE_RUN.has(run.status)) {
        return new DomainError(
          ErrorCode.InvalidRunState,
          `run '${runId}' has ended (${run.status}); nothing waits for a decision`,
        );
      }
      return new DomainError(
        ErrorCode.InvalidRunState,
        `run '${runId}' is not running in Temporal; nothing waits for a decision`,
      );
    }
    this.logger.error({ runId, err: (err as Error).message }, 'decision update failed');
    return new DomainError(ErrorCode.Unavailable, 'Temporal did not answer; retry later');
  }
}

function isCompleted(err: unknown): boolean {
  return err instanceof Error && /already completed|workflow execution already/i.test(err.message);
}
