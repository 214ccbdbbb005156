import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { canonicalJson, validateRunInput, type Json, type PipelinePlan } from '@flowgate/dsl';
import { AuditRepository, RunsRepository, StepsRepository, type RunRecord } from '@flowgate/store';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import type { Principal } from '../auth/principal';
import { PipelineCompilerService } from '../pipelines/pipeline-compiler.service';
import { PipelinesService } from '../pipelines/pipelines.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import type { StartRunBody } from './dto/start-run.dto';
import { newRunId } from './run-id';
import { RunReconcilerService } from './run-reconciler.service';
import { RunStarterService } from './run-starter.service';
import { temporalUiLink } from './temporal-links';

export interface StartedRun {
  run: RunRecord;
  /** False when an idempotency key matched an earlier identical request. */
  created: boolean;
  warnings: unknown[];
}

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
  ) {}

  async start(principal: Principal, body: StartRunBody, idempotencyKey?: string): Promise<StartedRun> {
    const requestHash = createHash('sha256').update(canonicalJson(body as Json)).digest('hex');
    if (idempotencyKey) {
      const earlier = await this.runs.findByIdempotencyKey(principal.tenant, idempotencyKey);
      if (earlier) return { run: this.checkReplay(earlier, requestHash), created: false, warnings: [] };
    }

    const { plan, warnings } = await this.planFor(principal.tenant, body.pipeline);
    const inputProblems = validateRunInput(plan, body.input as Json);
    if (inputProblems.length > 0) {
      throw new DomainError(ErrorCode.InvalidInput, `the run input has ${inputProblems.length} problem(s)`, inputProblems.map((p) => ({ ...p })));
    }

    const id = newRunId(plan.pipeline.name);
    const created = await this.runs.create({
      id,
      tenant: principal.tenant,
      pipelineName: plan.pipeline.name,
      pipelineVersion: plan.pipeline.version,
      digest: plan.digest,
      input: body.input,
      tags: plan.pipeline.tags,
      idempotencyKey,
      requestHash,
      submittedBy: principal.name,
    });
    if (created.outcome === 'exists') return { run: this.checkReplay(created.run, requestHash), created: false, warnings: [] };

    try {
      const temporalRunId = await this.starter.start({
        plan,
        input: body.input as Json,
        run: { id, tenant: principal.tenant, submittedBy: principal.name, submittedAt: created.run.createdAt.toISOString() },
      });
      await this.runs.setTemporalRunId(id, temporalRunId);
    } catch (err) {
      // Nothing half-written: the run row goes away with the failed start.
      await this.runs.deleteUnstarted(id);
      this.logger.error({ runId: id, err: (err as Error).message }, 'workflow start failed');
      throw new DomainError(ErrorCode.Unavailable, 'could not start the run: Temporal is unavailable; retry later');
    }
    await this.audit.append({
      tenant: principal.tenant,
      runId: id,
      actor: principal.name,
      action: 'run.started',
      subject: `${plan.pipeline.name}@${plan.pipeline.version}`,
    });
    return { run: { ...created.run }, created: true, warnings };
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

  private checkReplay(earlier: RunRecord, requestHash: string): RunRecord {
    if (earlier.requestHash !== requestHash) {
      throw new DomainError(
        ErrorCode.IdempotencyConflict,
        `Idempotency-Key was already used for a different request (run ${earlier.id})`,
      );
    }
    return earlier;
  }

  private async planFor(tenant: string, pipeline: StartRunBody['pipeline']): Promise<{ plan: PipelinePlan; warnings: unknown[] }> {
    if (typeof pipeline === 'string') {
      const record = await this.pipelines.resolve(tenant, pipeline);
      return { plan: record.plan as PipelinePlan, warnings: [] };
    }
    const compiled = await this.compiler.compile(tenant, JSON.stringify(pipeline, null, 2), 'json');
    return { plan: compiled.plan, warnings: compiled.warnings };
  }
}
