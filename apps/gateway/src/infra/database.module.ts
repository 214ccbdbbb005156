import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  ActivityCatalogRepository,
  ApiKeysRepository,
  AuditRepository,
  createPool,
  PipelinesRepository,
  RunsRepository,
  StepsRepository,
} from '@flowgate/store';
import type { Pool } from 'pg';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { countStatements } from './sql-statement-counter';

export const PG_POOL = Symbol('PG_POOL');

const repositories = [
  PipelinesRepository,
  RunsRepository,
  StepsRepository,
  ApiKeysRepository,
  AuditRepository,
  ActivityCatalogRepository,
];

/** PostgreSQL pool and the repositories over it. */
@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => countStatements(createPool(c.DATABASE_URL, { max: 20 })),
    },
    ...repositories.map((repo) => ({
      provide: repo,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new repo(pool),
    })),
  ],
  exports: [PG_POOL, ...repositories],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
