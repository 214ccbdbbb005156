import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RunModel, StepModel } from './models/run.model';
import { RunsService } from './runs.service';

@Resolver(() => RunModel)
export class RunsResolver {
  constructor(private readonly runs: RunsService) {}

  @Query(() => RunModel, { description: 'A run of the caller’s tenant' })
  @Requires('runs:read')
  async run(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<RunModel> {
    const run = await this.runs.get(principal, id);
    return {
      id: run.id,
      status: run.status,
      pipeline: { name: run.pipelineName, version: run.pipelineVersion, digest: run.digest },
      input: run.input,
      output: run.output,
      error: run.error,
      submittedBy: run.submittedBy,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      temporalUrl: this.runs.temporalLink(run.id),
    };
  }

  @ResolveField(() => [StepModel])
  async steps(@Parent() run: RunModel): Promise<StepModel[]> {
    return (await this.runs.stepsOf(run.id)).map((s) => ({ ...s, id: s.stepId }));
  }
}
