import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { scheduleActionSchema, type ScheduleActionBody } from './dto/schedule.dto';
import { presentSchedule } from './schedule.presenter';
import { type ScheduleAction, SchedulesService, type ScheduleView } from './schedules.service';

/** Pipeline schedules (Temporal Schedules) of the caller's tenant. */
@Controller('v1/schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @Requires('pipelines:read')
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: (await this.schedules.list(principal)).map((v) => this.present(v)) };
  }

  @Get(':id')
  @Requires('pipelines:read')
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.present(await this.schedules.get(principal, id));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Requires('runs:write')
  pause(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(scheduleActionSchema)) body: ScheduleActionBody,
  ) {
    return this.act(principal, id, 'pause', body);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Requires('runs:write')
  resume(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(scheduleActionSchema)) body: ScheduleActionBody,
  ) {
    return this.act(principal, id, 'resume', body);
  }

  @Post(':id/trigger')
  @HttpCode(202)
  @Requires('runs:write')
  trigger(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(scheduleActionSchema)) body: ScheduleActionBody,
  ) {
    return this.act(principal, id, 'trigger', body);
  }

  private async act(principal: Principal, id: string, action: ScheduleAction, body: ScheduleActionBody) {
    const view = await this.schedules.act(principal, id, action, body?.note);
    return { ...this.present(view), action, ok: true as const };
  }

  private present(view: ScheduleView) {
    return presentSchedule(view, this.schedules.temporalLink(view.record.scheduleId));
  }
}
