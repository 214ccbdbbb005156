import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { deadLetterQuerySchema } from './dto/dead-letter.dto';
import { retryRunSchema } from './dto/run-control.dto';
import { canReset, DeadLetterService } from './dead-letter.service';
import { RunLoadersFactory } from './loaders/run-loaders';
import { DeadLetterConnectionModel, DeadLetterRunModel, RetryResultModel } from './models/dead-letter.model';
import { RunControlService } from './run-control.service';
import { toRunModel } from './run.graphql-mapper';
import { RunsService } from './runs.service';

const queryArgs = new ZodPipe(deadLetterQuerySchema, 'query');
const retryArgs = new ZodPipe(retryRunSchema, 'body');

/** `deadLetterRuns`: the GraphQL face of GET /v1/runs/dead-letter. */
@Resolver(() => DeadLetterRunModel)
export class DeadLetterResolver {
  constructor(
    private readonly deadLetter: DeadLetterService,
    private readonly runs: RunsService,
    private readonly loaders: RunLoadersFactory,
    private readonly control: RunControlService,
  ) {}

  @Mutation(() => RetryResultModel, {
    description:
      'Retries a run (as POST /v1/runs/:id/retry): `reset` re-runs a failed run from its failed step, `rerun` starts a new run with the input merge-patched',
  })
  @Requires('runs:write')
  async retryRun(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('mode', { type: () => String, nullable: true, description: 'reset | rerun (default)' })
    mode: string | null,
    @Args('inputPatch', { type: () => GraphQLJSON, nullable: true }) inputPatch: unknown,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ): Promise<RetryResultModel> {
    const body = retryArgs.transform({
      ...(mode ? { mode } : {}),
      ...(inputPatch != null ? { inputPatch } : {}),
      ...(reason ? { reason } : {}),
    });
    const outcome = await this.control.retry(principal, id, body);
    const run = outcome.mode === 'reset' ? outcome.run : outcome.started.run;
    return {
      mode: outcome.mode,
      run: toRunModel(run, this.runs.temporalLink(run.id)),
      failedStep: outcome.mode === 'reset' ? outcome.failedStep : null,
      retryOf: outcome.mode === 'rerun' ? outcome.retryOf : null,
    };
  }

  @Query(() => DeadLetterConnectionModel, {
    description: 'Failed runs, most recently failed first, with the failed step (Relay connection)',
  })
  @Requires('runs:read')
  async deadLetterRuns(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('pipeline', { type: () => String, nullable: true }) pipeline: string | null,
    @Args('rerun', { type: () => String, nullable: true, description: 'any (default) | no | yes' })
    rerun: string | null,
    @Context() ctx: object,
  ): Promise<DeadLetterConnectionModel> {
    const query = queryArgs.transform({
      limit: first,
      ...(after ? { cursor: after } : {}),
      ...(pipeline ? { pipeline } : {}),
      ...(rerun ? { rerun } : {}),
    });
    const page = await this.deadLetter.list(principal, query, 'args.after');
    const loaders = this.loaders.of(ctx, principal.tenant);
    const edges = page.items.map((item, i) => {
      loaders.prime(item.run);
      return {
        cursor: page.cursors[i]!,
        node: {
          run: toRunModel(item.run, this.runs.temporalLink(item.run.id)),
          failedAt: item.failedAt,
          failedStep: item.failedStep
            ? {
                path: item.failedStep.path,
                id: item.failedStep.stepId,
                kind: item.failedStep.kind,
                attempts: item.failedStep.attempts,
                error: item.failedStep.error ?? null,
                finishedAt: item.failedStep.finishedAt,
              }
            : null,
          error: item.run.error ?? null,
          rerunBy: item.rerunBy,
          canReset: canReset(item),
        },
      };
    });
    return {
      edges,
      pageInfo: {
        hasNextPage: page.nextCursor !== null,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }
}
