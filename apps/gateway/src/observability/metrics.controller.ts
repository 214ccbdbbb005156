import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { gatewayMetrics } from './gateway-metrics';

/** Whether `authorization` carries `Bearer <token>` (constant-time). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Prometheus scrape endpoint. Public unless FLOWGATE_METRICS_TOKEN is set (then a bearer token). */
@Controller()
@Public()
export class MetricsController {
  private readonly metrics = gatewayMetrics();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Get('metrics')
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = this.config.FLOWGATE_METRICS_TOKEN;
    if (token && !bearerMatches(authorization, token))
      throw new DomainError(ErrorCode.Unauthenticated, 'the metrics endpoint needs its bearer token');
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}
