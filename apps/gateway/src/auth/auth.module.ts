import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { requestOf } from './auth.decorators';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyThrottlerGuard, RATE_LIMIT_WINDOW_MS } from './api-key-throttler.guard';
import { ApiKeyVerifier } from './api-key-verifier.service';
import { BucketedRateLimitStorage } from './bucketed-rate-limit.storage';

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => ({
        storage: new BucketedRateLimitStorage(),
        throttlers: [
          {
            name: 'default',
            ttl: RATE_LIMIT_WINDOW_MS,
            limit: (context) =>
              requestOf(context)?.principal?.rateLimitPerMinute ?? config.FLOWGATE_RATE_LIMIT_PER_MINUTE,
          },
        ],
      }),
    }),
  ],
  providers: [ApiKeyVerifier, ApiKeyThrottlerGuard, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeyVerifier],
})
export class AuthModule {}
