import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { gatewayMetrics } from './gateway-metrics';

/** The distinct `policy`/`rule` pairs of a `policy_denied` error's problem items. */
export function deniedRules(err: DomainError): { policy: string; rule: string }[] {
  const seen = new Map<string, { policy: string; rule: string }>();
  for (const item of err.errors) {
    const policy = typeof item.policy === 'string' ? item.policy : 'unknown';
    const rule = typeof item.ruleId === 'string' ? item.ruleId : 'unknown';
    seen.set(`${policy}\u0000${rule}`, { policy, rule });
  }
  return seen.size > 0 ? [...seen.values()] : [{ policy: 'unknown', rule: 'unknown' }];
}

/**
 * Counts admission denials (`flowgate_policy_denials_total{phase="admission"}`) on every transport
 * (REST and GraphQL): the error passes through unchanged to the transport's own filter.
 */
@Injectable()
export class PolicyDenialMetricsInterceptor implements NestInterceptor {
  private readonly metrics = gatewayMetrics();

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (err instanceof DomainError && err.code === ErrorCode.PolicyDenied)
          this.metrics.recordDenials('admission', deniedRules(err));
        return throwError(() => err);
      }),
    );
  }
}
