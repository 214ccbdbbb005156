import { Module } from '@nestjs/common';
import { SchedulesModule } from '../schedules/schedules.module';
import { ActivityCatalogService } from './activity-catalog.service';
import { PipelineCompilerService } from './pipeline-compiler.service';
import { ActivitiesController } from './activities.controller';
import { PipelinesController } from './pipelines.controller';
import { PipelinesResolver } from './pipelines.resolver';
import { PipelinesService } from './pipelines.service';

@Module({
  imports: [SchedulesModule],
  controllers: [PipelinesController, ActivitiesController],
  providers: [PipelinesService, PipelineCompilerService, ActivityCatalogService, PipelinesResolver],
  exports: [PipelinesService, PipelineCompilerService, ActivityCatalogService],
})
export class PipelinesModule {}
