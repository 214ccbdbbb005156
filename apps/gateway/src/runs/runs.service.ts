import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { canonicalJson, validateRunInput, type Json, type PipelinePlan } from '@flowgate/dsl';
import {
  AuditRepository,
  RunsRepository,
  StepsRepository,
  type RunListFilter,
  type RunPageKey,
  type RunRecord,
} from '@flowgate/store';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import type { Principal } from '../auth/principal';
import { PipelineCompilerService } from '../pipelines/pipeline-compiler.service';
import { PipelinesService } from '../pipelines/pipelines.service';
import { PolicyAdmissionService } from '../policies/policy-admission.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import type { ListRunsQuery } from './dto/list-runs.dto';
import type { StartRunBody } from './dto/start-run.dto';
import { decodeRunCursor, encodeRunCursor } from './run-cursor';
import { newRunId } from './run-id';
import { RunReconcilerService } from './run-reconciler.service';
import { RunStarterService } from './run-starter.service';
import { RunWritesBatcher } from './run-writes.batcher';
import { temporalUiLink } from './temporal-links';

export interface StartedRun {
  run: RunRecord;
  /** False when an idempotency key matched an earlier identical request. */
  created: boolean;
  warnings: unknown[];
}

export interface RunListPage {
  runs: RunRecord[];
  /** Opaque cursor of each run (GraphQL edges). */
  cursors: string[];
  nextCursor: string | null;
}

/** Audit action of a run submission (written with the run's row, removed if its start fails). */
export const RUN_STARTED_AUDIT_ACTION = 'run.started';

/** Most run-list rows reconciled with Temporal at once. */
const RECONCILE_CONCURRENCY = 10;

/** Run submission and lookup. */
@Injectable()
export class RunsService {
  private readonly logger = new Logger(RunsService.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly steps: StepsRepository,
    private readonly audit: AuditRepository,
    private readonly pipelines: PipelinesService,
    private readonly compiler: PipelineCompilerService,
    private readonly starter: RunStarterService,
    private readonly reconciler: RunReconcilerService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly policyAdmission: PolicyAdmissionService,
    private readonly writes: RunWritesBatcher,
  ) {}

  async start(principal: Principal, body: StartRunBody, idempotencyKey?: string): Promise<StartedRun> {
    // The request fingerprint only matters to tell an idempotent replay from a reused key.
    const requestHash = idempotencyKey
      ? createHash('sha256')
          .update(canonicalJson(body as Json))
          .digest('hex')
      : undefined;
    if (idempotencyKey && requestHash) {
      const earlier = await this.runs.findByIdempotencyKey(principal.tenant, idempotencyKey);
      if (earlier) return { run: this.checkReplay(earlier, requestHash), created: false, warnings: [] };
    }
    const { plan, warnings } = await this.planFor(principal.tenant, body.pipeline);
    return this.launch(principal, plan, body.input, { idempotencyKey, requestHash, warnings });
  }

  /**
   * Checks the input against the plan, records the run, starts its workflow. With an
   * idempotency key, concurrent identical requests converge on the one row the unique index
   * lets through: that request answers `created: true`, every other one the same run with
   * `created: false`.
   */
  async launch(
    principal: Principal,
    plan: PipelinePlan,
    input: unknown,
    options: { idempotencyKey?: string; requestHash?: string; warnings?: unknown[]; retryOf?: string } = {},
  ): Promise<StartedRun> {
    const inputProblems = validateRunInput(plan, input as Json);
    if (inputProblems.length > 0) {
      throw new DomainError(
        ErrorCode.InvalidInput,
        `the run input has ${inputProblems.length} problem(s)`,
        inputProblems.map((p) => ({ ...p })),
      );
    }

    const id = newRunId(plan.pipeline.name);
    // Governance admission: the whole plan, before anything is recorded or started (403 policy_denied).
    const admission = await this.policyAdmission.admit(principal, plan, input, id);
    const created = await this.writes.create({
      id,
      tenant: principal.tenant,
      pipelineName: plan.pipeline.name,
      pipelineVersion: plan.pipeline.version,
      digest: plan.digest,
      input,
      tags: plan.pipeline.tags,
      idempotencyKey: options.idempotencyKey,
      requestHash: options.requestHash,
      retryOf: options.retryOf,
      submittedBy: principal.name,
      // The submission's audit event goes with the row (one write per submission); the worker
      // records the Temporal run id when it reports the run.
      audit: {
        action: RUN_STARTED_AUDIT_ACTION,
        subject: `${plan.pipeline.name}@${plan.pipeline.version}`,
        ...(options.retryOf ? { details: { retryOf: options.retryOf } } : {}),
      },
    });
    if (created.outcome === 'exists') {
      return { run: this.checkReplay(created.run, options.requestHash ?? ''), created: false, warnings: [] };
    }

    try {
      await this.starter.start({
        plan,
        input: input as Json,
        run: {
          id,
          tenant: principal.tenant,
          submittedBy: principal.name,
          submittedAt: created.run.createdAt.toISOString(),
        },
      });
    } catch (err) {
      // Nothing half-written: the run row and its audit event go away with the failed start.
      await this.runs.deleteUnstarted(id, RUN_STARTED_AUDIT_ACTION);
      this.logger.error({ runId: id, err: (err as Error).message }, 'workflow start failed');
      throw new DomainError(
        ErrorCode.Unavailable,
        'could not start the run: Temporal is unavailable; retry later',
      );
    }
    return {
      run: { ...created.run },
      created: true,
      warnings: [...(options.warnings ?? []), ...admission.warnings],
    };
  }

  /** A page of the caller's runs, newest first; running rows are reconciled with Temporal. */
  async list(principal: Principal, query: ListRunsQuery): Promise<RunListPage> {
    const filter = toFilter(query);
    const after: RunPageKey | undefined = query.cursor ? decodeRunCursor(query.cursor, filter) : undefined;
    const page = await this.runs.list(principal.tenant, filter, {
      limit: query.limit,
      ...(after ? { after } : {}),
    });
    const runs = await this.reconcileAll(page.runs);
    return {
      runs,
      cursors: page.keys.map((k) => encodeRunCursor(k, filter)),
      nextCursor: page.next ? encodeRunCursor(page.next, filter) : null,
    };
  }

  private async reconcileAll(runs: RunRecord[]): Promise<RunRecord[]> {
    const out = [...runs];
    const open = out
      .map((r, i) => [r, i] as const)
      .filter(([r]) => r.status === 'running' || r.status === 'waiting');
    for (let k = 0; k < open.length; k += RECONCILE_CONCURRENCY) {
      await Promise.all(
        open.slice(k, k + RECONCILE_CONCURRENCY).map(async ([r, i]) => {
          out[i] = await this.reconciler.reconcile(r);
        }),
      );
    }
    return out;
  }

  async get(principal: Principal, id: string): Promise<RunRecord> {
    const run = await this.runs.get(principal.tenant, id);
    if (!run) throw DomainError.notFound(`run '${id}'`);
    return this.reconciler.reconcile(run);
  }

  stepsOf(runId: string) {
    return this.steps.listByRun(runId);
  }

  temporalLink(runId: string): string {
    return temporalUiLink(this.config.TEMPORAL_UI_URL, this.config.TEMPORAL_NAMESPACE, runId);
  }

  /** A step of a run (for server-sent events). */
  step(runId: string, path: string) {
    return this.steps.get(runId, path);
  }

  private checkReplay(earlier: RunRecord, requestHash: string): RunRecord {
    if (earlier.requestHash !== requestHash) {
      throw new DomainError(
        ErrorCode.IdempotencyConflict,
        `Idempotency-Key was already used for a different request (run ${earlier.id})`,
      );
    }
    return earlier;
  }

  private async planFor(
    tenant: string,
    pipeline: StartRunBody['pipeline'],
  ): Promise<{ plan: PipelinePlan; warnings: unknown[] }> {
    if (typeof pipeline === 'string') {
      const record = await this.pipelines.resolve(tenant, pipeline);
      return { plan: record.plan as PipelinePlan, warnings: [] };
    }
    const compiled = await this.compiler.compile(tenant, JSON.stringify(pipeline, null, 2), 'json');
    return { plan: compiled.plan, warnings: compiled.warnings };
  }
}

export function toFilter(
  query: Pick<ListRunsQuery, 'status' | 'pipeline' | 'tag' | 'createdAfter' | 'createdBefore' | 'parent'>,
): RunListFilter {
  return {
    ...(query.status?.length ? { status: query.status } : {}),
    ...(query.pipeline ? { pipeline: query.pipeline } : {}),
    ...(query.tag ? { tag: query.tag } : {}),
    ...(query.createdAfter ? { createdAfter: new Date(query.createdAfter) } : {}),
    ...(query.createdBefore ? { createdBefore: new Date(query.createdBefore) } : {}),
    ...(query.parent === 'none' ? { parentRunId: null } : {}),
  };
}
