import { Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { PipelineModel } from './models/pipeline.model';
import { PipelinesService } from './pipelines.service';

@Resolver(() => PipelineModel)
export class PipelinesResolver {
  constructor(private readonly registry: PipelinesService) {}

  @Query(() => [PipelineModel], { description: 'The latest version of each of the caller’s pipelines' })
  @Requires('pipelines:read')
  async pipelines(@CurrentPrincipal() principal: Principal): Promise<PipelineModel[]> {
    return (await this.registry.list(principal.tenant)).map((r) => ({
      name: r.name,
      version: r.version,
      digest: r.digest,
      tags: r.tags,
      createdBy: r.createdBy,
      createdAt: r.createdAt,
    }));
  }
}
