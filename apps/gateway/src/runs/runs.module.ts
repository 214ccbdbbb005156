import { Module } from '@nestjs/common';
import { BlobsRepository, DeadLetterRepository } from '@flowgate/store';
import type { Pool } from 'pg';
import { ApprovalsModule } from '../approvals/approvals.module';
import { PG_POOL } from '../infra/database.module';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { RunCompletionWatcher } from './events/run-completion.watcher';
import { RunEventsHub } from './events/run-events.hub';
import { RunEventsService } from './events/run-events.service';
import { DeadLetterController } from './dead-letter.controller';
import { DeadLetterResolver } from './dead-letter.resolver';
import { DeadLetterService } from './dead-letter.service';
import { RunLoadersFactory } from './loaders/run-loaders';
import { RunBlobsController } from './run-blobs.controller';
import { RunBlobsService } from './run-blobs.service';
import { RunControlService } from './run-control.service';
import { RunReconcilerService } from './run-reconciler.service';
import { RunStarterService } from './run-starter.service';
import { RunWritesBatcher } from './run-writes.batcher';
import { RunsController } from './runs.controller';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';
import { StepsResolver } from './steps.resolver';

@Module({
  imports: [PipelinesModule, ApprovalsModule],
  controllers: [DeadLetterController, RunsController, RunBlobsController],
  providers: [
    { provide: BlobsRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new BlobsRepository(pool) },
    RunBlobsService,
    {
      provide: DeadLetterRepository,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new DeadLetterRepository(pool),
    },
    DeadLetterService,
    DeadLetterResolver,
    RunsService,
    RunStarterService,
    RunWritesBatcher,
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
