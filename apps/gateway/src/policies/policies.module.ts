import { Global, Module } from '@nestjs/common';
import { PoliciesRepository, PolicyAuditRepository, QuotasRepository } from '@flowgate/store';
import type { Pool } from 'pg';
import { PG_POOL } from '../infra/database.module';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { PolicyAdmissionService } from './policy-admission.service';

const repositories = [PoliciesRepository, QuotasRepository, PolicyAuditRepository];

/**
 * Governance: policy CRUD, dry-run evaluation, and the admission service RunsService calls before
 * a workflow starts. Global so that the runs feature can inject PolicyAdmissionService.
 */
@Global()
@Module({
  imports: [PipelinesModule],
  controllers: [PoliciesController],
  providers: [
    ...repositories.map((repo) => ({
      provide: repo,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new repo(pool),
    })),
    PoliciesService,
    PolicyAdmissionService,
  ],
  exports: [PolicyAdmissionService, PoliciesService],
})
export class PoliciesModule {}
