import { ErrorCode } from './error-codes';

/** One located problem (a DSL problem, a schema error, a policy violation). */
export interface ProblemItem {
  code?: string;
  message: string;
  path?: string;
  line?: number;
  column?: number;
  [key: string]: unknown;
}

/** A failure with a stable code; transports map it (REST: problem+json, GraphQL: extensions.code). */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: ProblemItem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`);
  }
}
