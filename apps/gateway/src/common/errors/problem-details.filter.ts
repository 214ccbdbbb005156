import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ProblemItem } from './domain.error';
import { ErrorCode, HTTP_STATUS_OF, TITLE_OF } from './error-codes';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: ProblemItem[];
  [key: string]: unknown;
}

const codeOfStatus = (status: number): ErrorCode =>
  (Object.entries(HTTP_STATUS_OF).find(([, s]) => s === status)?.[0] as ErrorCode | undefined) ??
  (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);

/** Converts any thrown error into an RFC 9457 problem document. No stack trace ever leaves the process. */
export function toProblem(err: unknown, instance?: string): ProblemDetails {
  if (err instanceof DomainError) {
    const status = HTTP_STATUS_OF[err.code];
    return {
      type: `https://flowgate.dev/problems/${err.code}`,
      title: TITLE_OF[err.code],
      status,
      detail: err.message,
      code: err.code,
      instance,
      ...(err.errors.length ? { errors: err.errors } : {}),
      ...err.extra,
    };
  }
  if (isDependencyUnavailable(err)) {
    return {
      type: `https://flowgate.dev/problems/${ErrorCode.Unavailable}`,
      title: TITLE_OF[ErrorCode.Unavailable],
      status: HTTP_STATUS_OF[ErrorCode.Unavailable],
      detail: 'a dependency (PostgreSQL) is unavailable; retry later',
      code: ErrorCode.Unavailable,
      instance,
    };
  }
  // Errors raised by Fastify itself (body too large, bad JSON, wrong content type) and by Nest.
  const statusCode =
    err instanceof HttpException ? err.getStatus() : ((err as { statusCode?: number }).statusCode ?? 500);
  const code = codeOfStatus(statusCode);
  const detail =
    statusCode >= 500
      ? 'An unexpected error occurred; it has been logged.'
      : err instanceof HttpException
        ? String((err.getResponse() as { message?: string }).message ?? err.message)
        : (err as Error).message;
  return {
    type: `https://flowgate.dev/problems/${code}`,
    title: TITLE_OF[code],
    status: statusCode,
    detail,
    code,
    instance,
  };
}

const UNREACHABLE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/** SQLSTATEs of a server that is down, restarting or out of connections (08: connection exception). */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;

/**
 * Whether an error says PostgreSQL cannot be reached (refused or dropped connections, a server
 * shutting down or starting up, the pool's connect timeout): the documented `503 unavailable`,
 * not a bug.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_NET_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code)))
    return true;
  return (
    typeof message === 'string' &&
    /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
      message,
    )
  );
}

/** The one REST exception filter: every error leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const problem = toProblem(exception, request.url);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, url: request.url }, 'request failed');
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
