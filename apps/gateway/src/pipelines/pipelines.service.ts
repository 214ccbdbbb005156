import { Injectable } from '@nestjs/common';
import { AuditRepository, PipelinesRepository, type PipelineRecord } from '@flowgate/store';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import type { Principal } from '../auth/principal';
import { ScheduleSpecError, toTemporalSpec } from '../schedules/schedule-spec';
import { SchedulesService, type ScheduleSyncOutcome } from '../schedules/schedules.service';
import { PipelineCompilerService, type PipelineFormat } from './pipeline-compiler.service';

export interface RegisterOutcome {
  created: boolean;
  record: PipelineRecord;
  warnings: unknown[];
  /** What happened to the pipeline's Temporal Schedule (`spec.schedule`). */
  schedule: ScheduleSyncOutcome;
}

/** The pipelines registry: register immutable versions, look them up. */
/** How long `name` (latest version) resolutions are cached; another gateway may register a version. */
const LATEST_TTL_MS = 1_000;
/** Pinned versions never change. */
const VERSION_TTL_MS = 10 * 60_000;
const RESOLVED_CACHE_MAX = 1_000;

@Injectable()
export class PipelinesService {
  private readonly resolved = new Map<string, { record: PipelineRecord; expires: number }>();

  constructor(
    private readonly repo: PipelinesRepository,
    private readonly compiler: PipelineCompilerService,
    private readonly audit: AuditRepository,
    private readonly schedules: SchedulesService,
  ) {}

  async register(principal: Principal, text: string, format: PipelineFormat): Promise<RegisterOutcome> {
    const { document, plan, warnings } = await this.compiler.compile(principal.tenant, text, format);
    if (plan.schedule) checkSchedule(plan.schedule);
    const result = await this.repo.insert({
      tenant: principal.tenant,
      name: plan.pipeline.name,
      version: plan.pipeline.version,
      document,
      source: text,
      format,
      digest: plan.digest,
      plan,
      tags: plan.pipeline.tags,
      createdBy: principal.name,
    });
    if (result.outcome === 'conflict') {
      throw new DomainError(
        ErrorCode.Conflict,
        `${plan.pipeline.name} version ${plan.pipeline.version} already exists with different content; versions are immutable, register version ${plan.pipeline.version + 1} instead`,
      );
    }
    if (result.outcome === 'created') {
      this.forgetLatest(principal.tenant, plan.pipeline.name);
      await this.audit.append({
        tenant: principal.tenant,
        actor: principal.name,
        action: 'pipeline.registered',
        subject: `${plan.pipeline.name}@${plan.pipeline.version}`,
        details: { digest: plan.digest },
      });
    }
    // The latest version's `spec.schedule` becomes (or, absent, removes) the Temporal Schedule.
    // Also on an unchanged re-registration: that retries a sync that failed before.
    const schedule = await this.schedules.sync(principal, result.record);
    return { created: result.outcome === 'created', record: result.record, warnings, schedule };
  }

  /** Resolves `name` (latest) or `name@version`. */
  async resolve(tenant: string, ref: string): Promise<PipelineRecord> {
    const m = /^([a-z0-9][a-z0-9-]*)(?:@(\d+))?$/.exec(ref);
    if (!m) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `invalid pipeline reference '${ref}': use 'name' or 'name@version'`,
        [{ path: 'body.pipeline', message: "expected 'name' or 'name@version'" }],
      );
    }
    const [, name, version] = m as unknown as [string, string, string | undefined];
    const key = `${tenant}\u0000${name}\u0000${version ?? 'latest'}`;
    const hit = this.resolved.get(key);
    if (hit && hit.expires > Date.now()) return hit.record;
    const record = version
      ? await this.repo.get(tenant, name, Number(version))
      : await this.repo.latest(tenant, name);
    if (!record) throw DomainError.notFound(`pipeline '${ref}'`);
    // Versions are immutable: cache them; `latest` only briefly (another gateway may register one).
    if (this.resolved.size >= RESOLVED_CACHE_MAX)
      this.resolved.delete(this.resolved.keys().next().value as string);
    this.resolved.set(key, { record, expires: Date.now() + (version ? VERSION_TTL_MS : LATEST_TTL_MS) });
    return record;
  }

  /** Forgets cached `latest` resolutions of a pipeline (after a new version is registered here). */
  private forgetLatest(tenant: string, name: string): void {
    this.resolved.delete(`${tenant}\u0000${name}\u0000latest`);
  }

  list(tenant: string): Promise<PipelineRecord[]> {
    return this.repo.listLatest(tenant);
  }

  async versions(tenant: string, name: string): Promise<PipelineRecord[]> {
    const versions = await this.repo.versions(tenant, name);
    if (versions.length === 0) throw DomainError.notFound(`pipeline '${name}'`);
    return versions;
  }
}

/** Refuses a schedule Temporal would not take (checked before the version is stored). */
function checkSchedule(schedule: Parameters<typeof toTemporalSpec>[0]): void {
  try {
    toTemporalSpec(schedule);
  } catch (err) {
    if (!(err instanceof ScheduleSpecError)) throw err;
    throw new DomainError(ErrorCode.InvalidPipeline, 'the pipeline document has 1 problem', [
      { code: 'invalid-schedule', message: err.message, path: 'spec.schedule.cron', severity: 'error' },
    ]);
  }
}
