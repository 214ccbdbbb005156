import { ApplicationFailure } from '@temporalio/common';

/** Error types of `sql.query`. */
export const SQL_ERROR = {
  /** Cannot connect, connection lost, server shutting down or out of resources: retryable. */
  connection: 'SqlConnectionError',
  /** Serialization failure, deadlock, lock not available: retryable. */
  transient: 'SqlTransientError',
  /** The statement timeout elapsed: retryable. */
  timeout: 'SqlTimeout',
  /** Authentication failed: non-retryable. */
  auth: 'SqlAuthError',
  /** Anything the statement itself got wrong (syntax, types, constraints, missing objects): non-retryable. */
  statement: 'SqlError',
} as const;

const NODE_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

export interface SqlErrorClass {
  type: (typeof SQL_ERROR)[keyof typeof SQL_ERROR];
  retryable: boolean;
  sqlState?: string;
}

/** Pure: the class of an error raised by pg (SQLSTATE in `code`) or by the socket under it. */
export function classifySqlError(err: unknown): SqlErrorClass {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    const sqlState = code;
    if (sqlState === '57014') return { type: SQL_ERROR.timeout, retryable: true, sqlState };
    if (sqlState === '40001' || sqlState === '40P01' || sqlState === '55P03') {
      return { type: SQL_ERROR.transient, retryable: true, sqlState };
    }
    if (sqlState.startsWith('08') || sqlState.startsWith('53') || /^57P0[1-4]$/.test(sqlState)) {
      return { type: SQL_ERROR.connection, retryable: true, sqlState };
    }
    if (sqlState.startsWith('28')) return { type: SQL_ERROR.auth, retryable: false, sqlState };
    return { type: SQL_ERROR.statement, retryable: false, sqlState };
  }
  if (typeof code === 'string' && NODE_CONNECTION_CODES.has(code))
    return { type: SQL_ERROR.connection, retryable: true };
  if (
    /connection terminated|timeout exceeded when trying to connect|connection error|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return { type: SQL_ERROR.connection, retryable: true };
  }
  // Unknown: most likely the network; a retry is the safer default.
  return { type: SQL_ERROR.connection, retryable: true };
}

/** The ApplicationFailure of a pg error (message already free of secrets). */
export function sqlFailure(err: unknown, message: string): ApplicationFailure {
  const cls = classifySqlError(err);
  return ApplicationFailure.create({
    type: cls.type,
    message,
    nonRetryable: !cls.retryable,
    details: [{ ...(cls.sqlState ? { sqlState: cls.sqlState } : {}) }],
  });
}
