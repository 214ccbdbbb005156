import { Module } from '@nestjs/common';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { RunCompletionWatcher } from './events/run-completion.watcher';
import { RunEventsHub } from './events/run-events.hub';
import { RunEventsService } from './events/run-events.service';
import { RunLoadersFactory } from './loaders/run-loaders';
import { RunControlService } from './run-control.service';
import { RunReconcilerService } from './run-reconciler.service';
import { RunStarterService } from './run-starter.service';
import { RunsController } from './runs.controller';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';
import { StepsResolver } from './steps.resolver';

@Module({
  imports: [PipelinesModule],
  controllers: [RunsController],
  providers: [
    RunsService,
    RunStarterService,
    RunReconcilerService,
    RunControlService,
    RunEventsHub,
    RunCompletionWatcher,
    RunEventsService,
    RunLoadersFactory,
    RunsResolver,
    StepsResolver,
  ],
})
export class RunsModule {}
