import { Module } from '@nestjs/common';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { RunReconcilerService } from './run-reconciler.service';
import { RunStarterService } from './run-starter.service';
import { RunsController } from './runs.controller';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';

@Module({
  imports: [PipelinesModule],
  controllers: [RunsController],
  providers: [RunsService, RunStarterService, RunReconcilerService, RunsResolver],
})
export class RunsModule {}
