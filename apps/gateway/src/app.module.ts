import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { ApiKeyVerifier } from './auth/api-key-verifier.service';
import { AuthModule } from './auth/auth.module';
import { CircuitsModule } from './circuits/circuits.module';
import { CodecModule } from './codec/codec.module';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { ConfigModule } from './config/config.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config';
import { graphqlOptions } from './graphql/graphql-options';
import { HealthModule } from './health/health.module';
import { DatabaseModule } from './infra/database.module';
import { TemporalModule } from './infra/temporal.module';
import { ObservabilityModule } from './observability/observability.module';
import { OpenApiModule } from './openapi/openapi.module';
import { PipelinesModule } from './pipelines/pipelines.module';
import { PoliciesModule } from './policies/policies.module';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        TemporalModule,
        AuthModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [AuthModule],
          inject: [GATEWAY_CONFIG, ApiKeyVerifier],
          useFactory: graphqlOptions,
        }),
        HealthModule,
        PipelinesModule,
        PoliciesModule,
        RunsModule,
        ApprovalsModule,
        ApiKeysModule,
        OpenApiModule,
        CircuitsModule,
        SchedulesModule,
        CodecModule,
        ObservabilityModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
