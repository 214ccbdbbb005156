import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { PG_POOL } from '../infra/database.module';
import { TEMPORAL_CLIENT } from '../infra/temporal.module';

const TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

/** Readiness of the Temporal frontend. */
@Injectable()
export class TemporalHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  async check(key = 'temporal') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.client.workflowService.getSystemInfo({}), 'Temporal');
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    }
  }
}

/** Readiness of PostgreSQL. */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  async check(key = 'postgres') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.pool.query('SELECT 1'), 'PostgreSQL');
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    }
  }
}
