import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { IS_PUBLIC, REQUIRED_PERMISSION, requestOf } from './auth.decorators';
import { ApiKeyThrottlerGuard } from './api-key-throttler.guard';
import { ApiKeyVerifier } from './api-key-verifier.service';
import { can, type Permission } from './principal';

/**
 * Authenticates `Authorization: Bearer <key>` (or `X-API-Key`), checks the route's permission,
 * then counts the request against the key's rate limit.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: ApiKeyVerifier,
    private readonly throttler: ApiKeyThrottlerGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = requestOf(context);
    const token = extractToken(request.headers);
    if (!token) {
      throw new DomainError(ErrorCode.Unauthenticated, 'missing API key: send `Authorization: Bearer <key>`');
    }
    const principal = await this.verifier.verify(token);
    if (!principal) throw new DomainError(ErrorCode.Unauthenticated, 'invalid or revoked API key');
    request.principal = principal;

    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (!permission) throw new DomainError(ErrorCode.Forbidden, 'this operation declares no permission');
    if (!can(principal, permission)) {
      throw new DomainError(ErrorCode.Forbidden, `role '${principal.role}' may not perform '${permission}'`);
    }
    return this.throttler.canActivate(context);
  }
}

function extractToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const key = headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}
