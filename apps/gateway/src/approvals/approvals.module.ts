import { Logger, Module, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApprovalsRepository } from '@flowgate/store';
import type { Pool } from 'pg';
import { PG_POOL } from '../infra/database.module';
import { RunsController } from '../runs/runs.controller';
import { ApprovalsController, RunResumeController } from './approvals.controller';
import { ApprovalsResolver } from './approvals.resolver';
import { ApprovalsService } from './approvals.service';

/**
 * Whether another controller already serves `POST …/:id/resume` (Fastify refuses a route declared
 * twice: then that one keeps serving and RunResumeController is left out, with a warning).
 */
function servesResume(controller: { prototype: object }): boolean {
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).some((key) => {
    const handler = proto[key];
    return (
      typeof handler === 'function' &&
      Reflect.getMetadata(PATH_METADATA, handler) === ':id/resume' &&
      Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST
    );
  });
}

const resumeTaken = servesResume(RunsController);
if (resumeTaken) {
  new Logger('ApprovalsModule').warn(
    'POST /v1/runs/:id/resume is served by RunsController (signal, 202); the update-based handler is not registered',
  );
}

/** Human-in-the-loop: pending approvals (REST, GraphQL) and decisions (`POST /v1/runs/:id/resume`, `decide`). */
@Module({
  controllers: [ApprovalsController, ...(resumeTaken ? [] : [RunResumeController])],
  providers: [
    {
      provide: ApprovalsRepository,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new ApprovalsRepository(pool),
    },
    ApprovalsService,
    ApprovalsResolver,
  ],
  exports: [ApprovalsService],
})
export class ApprovalsModule {}
