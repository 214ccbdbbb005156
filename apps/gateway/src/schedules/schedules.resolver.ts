import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { scheduleActionSchema } from './dto/schedule.dto';
import { ScheduleModel } from './models/schedule.model';
import { presentSchedule } from './schedule.presenter';
import { type ScheduleAction, SchedulesService, type ScheduleView } from './schedules.service';

const actionArgs = new ZodPipe(scheduleActionSchema, 'body');
const date = (s: string | null): Date | null => (s ? new Date(s) : null);

/** Thin GraphQL face of SchedulesService (same rules and permissions as REST). */
@Resolver(() => ScheduleModel)
export class SchedulesResolver {
  constructor(private readonly service: SchedulesService) {}

  @Query(() => [ScheduleModel], { description: 'The tenant’s pipeline schedules (as GET /v1/schedules)' })
  @Requires('pipelines:read')
  async schedules(@CurrentPrincipal() principal: Principal): Promise<ScheduleModel[]> {
    return (await this.service.list(principal)).map((v) => this.model(v));
  }

  @Query(() => ScheduleModel, { description: 'One schedule, by schedule id or pipeline name' })
  @Requires('pipelines:read')
  async schedule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ScheduleModel> {
    return this.model(await this.service.get(principal, id));
  }

  @Mutation(() => ScheduleModel, { description: 'Pauses a schedule' })
  @Requires('runs:write')
  pauseSchedule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ): Promise<ScheduleModel> {
    return this.act(principal, id, 'pause', note);
  }

  @Mutation(() => ScheduleModel, { description: 'Resumes a paused schedule' })
  @Requires('runs:write')
  resumeSchedule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ): Promise<ScheduleModel> {
    return this.act(principal, id, 'resume', note);
  }

  @Mutation(() => ScheduleModel, { description: 'Starts a run of the schedule now' })
  @Requires('runs:write')
  triggerSchedule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ): Promise<ScheduleModel> {
    return this.act(principal, id, 'trigger', note);
  }

  private async act(
    principal: Principal,
    id: string,
    action: ScheduleAction,
    note: string | null,
  ): Promise<ScheduleModel> {
    const body = actionArgs.transform(note != null ? { note } : {});
    return this.model(await this.service.act(principal, id, action, body.note));
  }

  private model(view: ScheduleView): ScheduleModel {
    const s = presentSchedule(view, this.service.temporalLink(view.record.scheduleId));
    return {
      id: s.id,
      pipeline: s.pipeline,
      cron: s.cron,
      timezone: s.timezone,
      overlap: s.overlap,
      input: s.input,
      state: s.state,
      paused: s.paused,
      note: s.note,
      nextRunAt: date(s.nextRunAt),
      nextActionTimes: s.nextActionTimes.map((t) => new Date(t)),
      lastRunAt: date(s.lastRunAt),
      recentRuns: s.recentRuns.map((r) => ({
        runId: r.runId,
        scheduledAt: date(r.scheduledAt),
        startedAt: date(r.startedAt),
      })),
      runningRuns: s.runningRuns,
      actionsTaken: s.actionsTaken,
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
      temporalUrl: s.links.temporalUi,
    };
  }
}
