import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  type ScheduleHandle,
  ScheduleNotFoundError,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Json, PipelinePlan, SchedulePlan } from '@flowgate/dsl';
import {
  AuditRepository,
  PipelinesRepository,
  SchedulesRepository,
  type PipelineRecord,
  type PipelineScheduleRecord,
} from '@flowgate/store';
import {
  MEMO_KEYS,
  RUN_PIPELINE_WORKFLOW,
  SEARCH_ATTRIBUTES,
  type RunPipelineInput,
  type RunPipelineResult,
} from '@flowgate/workflows';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { TEMPORAL_CLIENT } from '../infra/temporal.module';
import { OVERLAP_POLICY, scheduledWorkflowIdOf, scheduleIdOf, toTemporalSpec } from './schedule-spec';

const pipelineKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.pipeline, SearchAttributeType.KEYWORD);
const versionKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.pipelineVersion, SearchAttributeType.INT);
const tenantKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tenant, SearchAttributeType.KEYWORD);
const tagsKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tags, SearchAttributeType.KEYWORD_LIST);

/** How many schedules are described in Temporal at once when listing. */
const DESCRIBE_CONCURRENCY = 10;

export type ScheduleAction = 'pause' | 'resume' | 'trigger';

/** A schedule as the API shows it: the registered row plus Temporal's live state. */
export interface ScheduleView {
  record: PipelineScheduleRecord;
  /** Undefined when the Temporal Schedule no longer exists (deleted outside Flowgate). */
  description?: ScheduleDescription;
}

export type ScheduleSyncOutcome =
  | { outcome: 'created' | 'updated'; scheduleId: string }
  | { outcome: 'deleted'; scheduleId: string }
  | { outcome: 'none' }
  | { outcome: 'superseded'; latestVersion: number };

type RunPipeline = (input: RunPipelineInput) => Promise<RunPipelineResult>;
type Action = ScheduleOptionsStartWorkflowAction<RunPipeline>;

/**
 * Pipeline schedules: a registered pipeline version's `spec.schedule` becomes a Temporal Schedule
 * (`flowgate:<tenant>:<pipeline>`) whose action starts `runPipeline` with that version's pinned
 * plan; the latest version wins, and a latest version without `schedule` deletes it.
 */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly repo: SchedulesRepository,
    private readonly pipelines: PipelinesRepository,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Makes the pipeline's Temporal Schedule match `record` (just registered) if it is the latest
   * version: create or update it when the version has a schedule, delete it when not. Safe to
   * repeat (registering the same document again re-syncs after a failure).
   */
  async sync(principal: Principal, record: PipelineRecord): Promise<ScheduleSyncOutcome> {
    const plan = record.plan as PipelinePlan;
    const latest = await this.pipelines.latest(record.tenant, record.name);
    if (latest && latest.version > record.version)
      return { outcome: 'superseded', latestVersion: latest.version };
    const scheduleId = scheduleIdOf(record.tenant, record.name);
    try {
      if (plan.schedule) return await this.upsert(principal, record, plan, plan.schedule, scheduleId);
      return await this.remove(principal, record, scheduleId);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.logger.error({ scheduleId, err: (err as Error).message }, 'schedule sync failed');
      throw new DomainError(
        ErrorCode.Unavailable,
        `${record.name} version ${record.version} is registered, but its schedule could not be ${
          plan.schedule ? 'created or updated' : 'removed'
        } in Temporal; register the same document again to retry`,
      );
    }
  }

  private async upsert(
    principal: Principal,
    record: PipelineRecord,
    plan: PipelinePlan,
    schedule: SchedulePlan,
    scheduleId: string,
  ): Promise<ScheduleSyncOutcome> {
    const spec: ScheduleSpec = toTemporalSpec(schedule);
    const action = this.actionOf(record.tenant, scheduleId, plan, schedule.input);
    const overlap = OVERLAP_POLICY[schedule.overlap];
    let outcome: 'created' | 'updated' = 'created';
    try {
      await this.client.schedule.create<RunPipeline>({
        scheduleId,
        spec,
        action,
        policies: { overlap, catchupWindow: '1 minute' },
        memo: { flowgateTenant: record.tenant, flowgatePipeline: record.name },
        state: { note: `pipeline ${record.name} v${record.version}, registered by ${principal.name}` },
      });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      outcome = 'updated';
      // Keeps the schedule's state (paused or not, its note): only the definition changes.
      await this.client.schedule.getHandle(scheduleId).update<RunPipeline>((previous) => ({
        spec,
        action,
        policies: { ...previous.policies, overlap },
        state: {
          paused: previous.state.paused,
          ...(previous.state.note ? { note: previous.state.note } : {}),
        },
      }));
    }
    const saved = await this.repo.upsert({
      scheduleId,
      tenant: record.tenant,
      pipeline: record.name,
      version: record.version,
      cron: schedule.cron,
      timezone: schedule.timezone,
      overlap: schedule.overlap,
      input: schedule.input,
      updatedBy: principal.name,
    });
    if (!saved) {
      // A newer version was registered meanwhile (another gateway): let it win in Temporal too.
      const newest = await this.pipelines.latest(record.tenant, record.name);
      if (newest && newest.version > record.version) return this.sync(principal, newest);
    }
    await this.audit.append({
      tenant: record.tenant,
      actor: principal.name,
      action: `schedule.${outcome}`,
      subject: scheduleId,
      details: {
        pipeline: record.name,
        version: record.version,
        cron: schedule.cron,
        timezone: schedule.timezone,
        overlap: schedule.overlap,
      },
    });
    return { outcome, scheduleId };
  }

  private async remove(
    principal: Principal,
    record: PipelineRecord,
    scheduleId: string,
  ): Promise<ScheduleSyncOutcome> {
    const existing = await this.repo.get(record.tenant, scheduleId);
    if (!existing || existing.version > record.version) return { outcome: 'none' };
    try {
      await this.client.schedule.getHandle(scheduleId).delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    await this.repo.remove(record.tenant, record.name, record.version);
    await this.audit.append({
      tenant: record.tenant,
      actor: principal.name,
      action: 'schedule.deleted',
      subject: scheduleId,
      details: { pipeline: record.name, version: record.version, reason: 'version without schedule' },
    });
    return { outcome: 'deleted', scheduleId };
  }

  /** The action of a schedule: start `runPipeline` with the pinned plan, like a submitted run. */
  private actionOf(tenant: string, scheduleId: string, plan: PipelinePlan, input: Json): Action {
    const workflowId = scheduledWorkflowIdOf(tenant, plan.pipeline.name);
    const submittedBy = `schedule:${scheduleId}`;
    const args: RunPipelineInput = {
      plan,
      input,
      // The interpreter takes the run id from the workflow id (`<workflowId>-<fire time>`).
      run: { id: workflowId, tenant, submittedBy, submittedAt: new Date().toISOString() },
    };
    return {
      type: 'startWorkflow',
      workflowType: RUN_PIPELINE_WORKFLOW,
      workflowId,
      taskQueue: this.config.FLOWGATE_TASK_QUEUE,
      args: [args],
      typedSearchAttributes: [
        { key: pipelineKey, value: plan.pipeline.name },
        { key: versionKey, value: plan.pipeline.version },
        { key: tenantKey, value: tenant },
        ...(plan.pipeline.tags.length ? [{ key: tagsKey, value: plan.pipeline.tags }] : []),
      ],
      memo: { [MEMO_KEYS.digest]: plan.digest, [MEMO_KEYS.submittedBy]: submittedBy },
      staticSummary: `${plan.pipeline.name} v${plan.pipeline.version} (scheduled)`,
    };
  }

  /** The tenant's schedules with their live state. */
  async list(principal: Principal): Promise<ScheduleView[]> {
    const records = await this.repo.list(principal.tenant);
    const out: ScheduleView[] = [];
    for (let i = 0; i < records.length; i += DESCRIBE_CONCURRENCY) {
      out.push(...(await Promise.all(records.slice(i, i + DESCRIBE_CONCURRENCY).map((r) => this.view(r)))));
    }
    return out;
  }

  /** One schedule of the tenant, by schedule id or pipeline name. */
  async get(principal: Principal, idOrPipeline: string): Promise<ScheduleView> {
    return this.view(await this.record(principal, idOrPipeline));
  }

  async act(
    principal: Principal,
    idOrPipeline: string,
    action: ScheduleAction,
    note?: string,
  ): Promise<ScheduleView> {
    const record = await this.record(principal, idOrPipeline);
    const handle = this.client.schedule.getHandle(record.scheduleId);
    const text =
      note?.trim() ||
      `${{ pause: 'paused', resume: 'resumed', trigger: 'triggered' }[action]} by ${principal.name}`;
    await this.temporal(record.scheduleId, async () => {
      if (action === 'pause') await handle.pause(text);
      else if (action === 'resume') await handle.unpause(text);
      else await handle.trigger();
    });
    await this.audit.append({
      tenant: principal.tenant,
      actor: principal.name,
      action: `schedule.${{ pause: 'paused', resume: 'resumed', trigger: 'triggered' }[action]}`,
      subject: record.scheduleId,
      details: { pipeline: record.pipeline, version: record.version, ...(note ? { note } : {}) },
    });
    return this.view(record, handle);
  }

  temporalLink(scheduleId: string): string {
    const base = this.config.TEMPORAL_UI_URL.replace(/\/+$/, '');
    return `${base}/namespaces/${encodeURIComponent(this.config.TEMPORAL_NAMESPACE)}/schedules/${encodeURIComponent(scheduleId)}`;
  }

  private async record(principal: Principal, idOrPipeline: string): Promise<PipelineScheduleRecord> {
    const record = await this.repo.get(principal.tenant, idOrPipeline);
    if (!record) throw DomainError.notFound(`schedule '${idOrPipeline}'`);
    return record;
  }

  private async view(record: PipelineScheduleRecord, handle?: ScheduleHandle): Promise<ScheduleView> {
    const h = handle ?? this.client.schedule.getHandle(record.scheduleId);
    try {
      return { record, description: await h.describe() };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return { record };
      throw this.unavailable(record.scheduleId, err);
    }
  }

  private async temporal(scheduleId: string, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError)
        throw new DomainError(
          ErrorCode.Conflict,
          `schedule '${scheduleId}' no longer exists in Temporal; register the pipeline again to recreate it`,
        );
      throw this.unavailable(scheduleId, err);
    }
  }

  private unavailable(scheduleId: string, err: unknown): DomainError {
    this.logger.error({ scheduleId, err: (err as Error).message }, 'Temporal schedule call failed');
    return new DomainError(ErrorCode.Unavailable, 'Temporal did not answer; retry later');
  }
}
