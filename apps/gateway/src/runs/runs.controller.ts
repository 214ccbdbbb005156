import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { listRunsQuerySchema, type ListRunsQuery } from './dto/list-runs.dto';
import {
  cancelRunSchema,
  retryRunSchema,
  type CancelRunBody,
  type RetryRunBody,
} from './dto/run-control.dto';
import { startRunSchema, type StartRunBody } from './dto/start-run.dto';
import { RunEventsService } from './events/run-events.service';
import { RunBlobsService } from './run-blobs.service';
import { RunControlService } from './run-control.service';
import { presentRun } from './run.presenter';
import { RunsService } from './runs.service';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly control: RunControlService,
    private readonly runEvents: RunEventsService,
    private readonly blobs: RunBlobsService,
  ) {}

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
    if (idempotencyKey !== undefined) void reply.header('idempotent-replayed', String(!created));
    return { ...presentRun(run, { temporalUi: this.runs.temporalLink(run.id) }), warnings };
  }

  @Get()
  @Requires('runs:read')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(listRunsQuerySchema, 'query')) query: ListRunsQuery,
  ) {
    const page = await this.runs.list(principal, query);
    return {
      items: page.runs.map((run) => presentRun(run, { temporalUi: this.runs.temporalLink(run.id) })),
      page: { limit: query.limit, nextCursor: page.nextCursor, hasMore: page.nextCursor !== null },
    };
  }

  @Get(':id')
  @Requires('runs:read')
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const run = await this.runs.get(principal, id);
    // Large outputs stored by reference come back resolved (up to RESOLVE_OUTPUT_MAX_BYTES).
    const output = await this.blobs.resolveOutput(principal.tenant, run.id, run.output);
    return presentRun(
      { ...run, output },
      { temporalUi: this.runs.temporalLink(run.id) },
      await this.runs.stepsOf(run.id),
    );
  }

  @Get(':id/events')
  @Requires('runs:read')
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.runEvents.stream(principal, id, reply);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @Requires('runs:write')
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(cancelRunSchema)) body: CancelRunBody,
  ) {
    const run = await this.control.cancel(principal, id, body);
    return { ...presentRun(run, { temporalUi: this.runs.temporalLink(run.id) }), cancelRequested: true };
  }

  @Post(':id/retry')
  @Requires('runs:write')
  async retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(retryRunSchema)) body: RetryRunBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.control.retry(principal, id, body);
    if (outcome.mode === 'reset') {
      void reply.status(202);
      return {
        ...presentRun(outcome.run, { temporalUi: this.runs.temporalLink(outcome.run.id) }),
        retry: {
          mode: 'reset',
          failedStep: outcome.failedStep,
          resetToEventId: outcome.resetToEventId,
          temporalRunId: outcome.temporalRunId,
        },
      };
    }
    const run = outcome.started.run;
    void reply.status(201).header('location', `/v1/runs/${encodeURIComponent(run.id)}`);
    return {
      ...presentRun(run, { temporalUi: this.runs.temporalLink(run.id) }),
      retry: { mode: 'rerun', retryOf: outcome.retryOf },
    };
  }

  // POST /v1/runs/:id/resume is served by approvals/RunResumeController (the `flowgate.decide` update: 200 with the step's state).
}
