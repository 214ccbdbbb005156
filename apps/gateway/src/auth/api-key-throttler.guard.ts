import { createHash } from 'node:crypto';
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { requestOf } from './auth.decorators';

export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * Rate limit per API key (not per route, not per IP): every authenticated request of a key,
 * REST or GraphQL, counts against the same per-minute budget. Run by ApiKeyGuard right after
 * authentication, so the key is known. GraphQL subscriptions over WebSocket are not counted
 * (their connection was).
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context) as { principal?: unknown } | undefined;
    if (!request?.principal) return true;
    if (context.getType<string>() === 'graphql') {
      return !GqlExecutionContext.create(context).getContext<{ reply?: unknown }>().reply;
    }
    return false;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return (req.principal as { keyId: string }).keyId;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return createHash('sha256').update(`${name}:${tracker}`).digest('hex');
  }

  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, unknown>;
    res: Record<string, unknown>;
  } {
    if (context.getType<string>() === 'graphql') {
      const reply = GqlExecutionContext.create(context).getContext<{
        reply: { request: Record<string, unknown> };
      }>().reply;
      return { req: reply.request, res: reply as unknown as Record<string, unknown> };
    }
    return super.getRequestResponse(context);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new DomainError(
      ErrorCode.RateLimited,
      `rate limit of ${detail.limit} requests per minute exceeded for this API key; retry in ${retryAfter} s`,
      [],
      { limit: detail.limit, retryAfter },
    );
  }
}
