import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { presentApproval, presentDecision } from './approval.presenter';
import { ApprovalsService } from './approvals.service';
import {
  decideBodySchema,
  listApprovalsQuerySchema,
  type DecideBody,
  type ListApprovalsQuery,
} from './dto/approvals.dto';

/** `GET /v1/approvals`: approval/input requests the caller may decide (tenant-scoped; admins: all). */
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  @Requires('runs:read')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(listApprovalsQuerySchema, 'query')) query: ListApprovalsQuery,
  ) {
    return { items: (await this.approvals.list(principal, query)).map(presentApproval) };
  }
}

/**
 * `POST /v1/runs/:id/resume`: a vote or input data for a waiting step, through the workflow's
 * `flowgate.decide` update: 200 with the step's state; 403 not an approver; 404 unknown run or
 * step; 409 already decided (or the run has ended); 400 invalid data with the schema errors.
 */
@Controller('v1/runs')
export class RunResumeController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Post(':id/resume')
  @HttpCode(200)
  @Requires('approvals:decide')
  async resume(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(decideBodySchema)) body: DecideBody,
  ) {
    return presentDecision(await this.approvals.decide(principal, id, body));
  }
}
