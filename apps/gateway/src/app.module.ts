import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { AuthModule } from './auth/auth.module';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { graphqlErrorFormatter } from './common/errors/graphql-error.formatter';
import { ConfigModule } from './config/config.module';
import type { GatewayConfig } from './config/gateway.config';
import { HealthModule } from './health/health.module';
import { DatabaseModule } from './infra/database.module';
import { TemporalModule } from './infra/temporal.module';
import { PipelinesModule } from './pipelines/pipelines.module';
import { RunsModule } from './runs/runs.module';

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
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: false,
          path: '/graphql',
          errorFormatter: graphqlErrorFormatter,
        }),
        HealthModule,
        PipelinesModule,
        RunsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
