import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { deadLetterQuerySchema, type DeadLetterQuery } from './dto/dead-letter.dto';
import { presentDeadLetter } from './dead-letter.presenter';
import { DeadLetterService } from './dead-letter.service';
import { RunsService } from './runs.service';

/** `GET /v1/runs/dead-letter`: failed runs, most recently failed first, with the failed step. */
@Controller('v1/runs')
export class DeadLetterController {
  constructor(
    private readonly deadLetter: DeadLetterService,
    private readonly runs: RunsService,
  ) {}

  @Get('dead-letter')
  @Requires('runs:read')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(deadLetterQuerySchema, 'query')) query: DeadLetterQuery,
  ) {
    const page = await this.deadLetter.list(principal, query);
    return {
      items: page.items.map((item) => presentDeadLetter(item, this.runs.temporalLink(item.run.id))),
      page: { limit: query.limit, nextCursor: page.nextCursor, hasMore: page.nextCursor !== null },
    };
  }
}
