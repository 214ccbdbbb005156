import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { startRunSchema, type StartRunBody } from './dto/start-run.dto';
import { presentRun } from './run.presenter';
import { RunsService } from './runs.service';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

@Controller('v1/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  @Requires('runs:write')
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(startRunSchema)) body: StartRunBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'invalid Idempotency-Key header', [
        { path: 'headers.idempotency-key', message: 'must be 1-200 characters of A-Z a-z 0-9 . _ : -' },
      ]);
    }
    const { run, created, warnings } = await this.runs.start(principal, body, idempotencyKey);
    void reply.status(created ? 201 : 200).header('location', `/v1/runs/${encodeURIComponent(run.id)}`);
    return { ...presentRun(run, { temporalUi: this.runs.temporalLink(run.id) }), warnings };
  }

  @Get(':id')
  @Requires('runs:read')
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const run = await this.runs.get(principal, id);
    return presentRun(run, { temporalUi: this.runs.temporalLink(run.id) }, await this.runs.stepsOf(run.id));
  }
}
