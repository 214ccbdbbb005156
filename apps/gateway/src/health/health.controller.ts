import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { PostgresHealthIndicator, TemporalHealthIndicator } from './health.indicators';

@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly temporal: TemporalHealthIndicator,
    private readonly postgres: PostgresHealthIndicator,
  ) {}

  /** Liveness: the process serves requests. */
  @Get('healthz')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: one indicator per dependency. */
  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.temporal.check(), () => this.postgres.check()]);
  }
}
