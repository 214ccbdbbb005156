import { Module } from '@nestjs/common';
import { ActivityCatalogService } from './activity-catalog.service';
import { PipelineCompilerService } from './pipeline-compiler.service';
import { ActivitiesController } from './activities.controller';
import { PipelinesController } from './pipelines.controller';
import { PipelinesResolver } from './pipelines.resolver';
import { PipelinesService } from './pipelines.service';

@Module({
  controllers: [PipelinesController, ActivitiesController],
  providers: [PipelinesService, PipelineCompilerService, ActivityCatalogService, PipelinesResolver],
  exports: [PipelinesService, PipelineCompilerService, ActivityCatalogService],
})
export class PipelinesModule {}
