import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RunLoadersFactory } from './loaders/run-loaders';
import { AttemptModel, StepModel } from './models/run.model';
import { toAttemptModel, toStepModel } from './run.graphql-mapper';

/** Step → attempts, children, parent: all from the run's already loaded rows. */
@Resolver(() => StepModel)
export class StepsResolver {
  constructor(private readonly loaders: RunLoadersFactory) {}

  @ResolveField(() => [AttemptModel])
  async attempts(
    @Parent() step: StepModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<AttemptModel[]> {
    const byPath = await this.loaders.of(ctx, principal.tenant).attemptsByRun.load(step.runId);
    return (byPath.get(step.path) ?? []).map(toAttemptModel);
  }

  @ResolveField(() => [StepModel], {
    description: 'Steps nested in this one (branches, map items, cases, loop bodies, compensations)',
  })
  async children(
    @Parent() step: StepModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<StepModel[]> {
    const tree = await this.loaders.of(ctx, principal.tenant).tree(step.runId);
    return (tree.childrenOf.get(step.path) ?? []).map(toStepModel);
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'Path of the enclosing step, null for top-level steps',
  })
  async parentPath(
    @Parent() step: StepModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<string | null> {
    const tree = await this.loaders.of(ctx, principal.tenant).tree(step.runId);
    return tree.parentOf.get(step.path) ?? null;
  }
}
