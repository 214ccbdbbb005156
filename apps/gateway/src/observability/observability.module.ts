import { Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Client } from '@temporalio/client';
import { CircuitsModule } from '../circuits/circuits.module';
import { CircuitsService } from '../circuits/circuits.service';
import { TEMPORAL_CLIENT } from '../infra/temporal.module';
import { gatewayMetrics } from './gateway-metrics';
import { currentGatewayTracing } from './gateway-tracing';
import { MetricsController } from './metrics.controller';
import { PolicyDenialMetricsInterceptor } from './policy-denial-metrics.interceptor';
import { attachTemporalClientInterceptors } from './temporal-client-observability';

/**
 * Gateway observability: `GET /metrics`, the Temporal client's tracing and started-runs
 * interceptors, admission-denial counting, circuit states, and flushing traces at shutdown.
 * (The HTTP span and latency histogram come from `installHttpObservability` in main.ts.)
 */
@Module({
  imports: [CircuitsModule],
  controllers: [MetricsController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: PolicyDenialMetricsInterceptor }],
})
export class ObservabilityModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Observability');

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    private readonly circuits: CircuitsService,
  ) {}

  onModuleInit(): void {
    const metrics = gatewayMetrics();
    const tracing = currentGatewayTracing()?.enabled ?? false;
    if (!attachTemporalClientInterceptors(this.client, metrics, tracing)) {
      this.logger.warn(
        'the Temporal client was built with interceptor factories: runs are neither traced into Temporal nor counted',
      );
    }
    metrics.bindCircuits(this.circuits, (err) =>
      this.logger.warn({ err: err.message }, 'circuit states not read for metrics'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await currentGatewayTracing()?.shutdown();
  }
}
