import { Module } from '@nestjs/common';
import { CircuitBreakersRepository } from '@flowgate/store';
import type { Pool } from 'pg';
import { PG_POOL } from '../infra/database.module';
import { CircuitsController } from './circuits.controller';
import { CircuitsService } from './circuits.service';

@Module({
  controllers: [CircuitsController],
  providers: [
    {
      provide: CircuitBreakersRepository,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new CircuitBreakersRepository(pool),
    },
    CircuitsService,
  ],
  exports: [CircuitsService],
})
export class CircuitsModule {}
