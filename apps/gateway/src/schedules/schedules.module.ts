import { Module } from '@nestjs/common';
import { SchedulesRepository } from '@flowgate/store';
import type { Pool } from 'pg';
import { PG_POOL } from '../infra/database.module';
import { SchedulesController } from './schedules.controller';
import { SchedulesResolver } from './schedules.resolver';
import { SchedulesService } from './schedules.service';

/** Pipeline schedules: Temporal Schedules created from `spec.schedule`, listed and controlled. */
@Module({
  controllers: [SchedulesController],
  providers: [
    {
      provide: SchedulesRepository,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new SchedulesRepository(pool),
    },
    SchedulesService,
    SchedulesResolver,
  ],
  exports: [SchedulesService],
})
export class SchedulesModule {}
