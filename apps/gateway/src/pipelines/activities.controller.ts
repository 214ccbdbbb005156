import { Controller, Get } from '@nestjs/common';
import { Requires } from '../auth/auth.decorators';
import { ActivityCatalogService } from './activity-catalog.service';

/** The activity catalog: every activity a `uses:` step may name, with its JSON Schemas. */
@Controller('v1/activities')
export class ActivitiesController {
  constructor(private readonly catalog: ActivityCatalogService) {}

  @Get()
  @Requires('pipelines:read')
  async list() {
    return { items: [...(await this.catalog.catalog()).values()] };
  }
}
