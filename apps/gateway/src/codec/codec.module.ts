import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AesGcmPayloadCodec } from '@flowgate/codec';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { codecCorsOrigins, registerCodecCors } from './codec-cors';
import { CodecController } from './codec.controller';
import { PAYLOAD_CODEC } from './codec.tokens';

/** The codec server endpoint for the Temporal Web UI (payload encryption, FLOWGATE_PAYLOAD_KEYS). */
@Module({
  controllers: [CodecController],
  providers: [
    {
      provide: PAYLOAD_CODEC,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) =>
        c.FLOWGATE_PAYLOAD_KEYS ? new AesGcmPayloadCodec(c.FLOWGATE_PAYLOAD_KEYS) : null,
    },
  ],
})
export class CodecModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addHook !== 'function') return;
    registerCodecCors(
      fastify,
      codecCorsOrigins(this.config.FLOWGATE_CODEC_CORS_ORIGINS, this.config.TEMPORAL_UI_URL),
    );
  }
}
