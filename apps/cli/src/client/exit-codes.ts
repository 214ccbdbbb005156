/**
 * Exit codes of the `flowgate` client commands (documented in docs/cli.md). Scripts may rely on
 * them: never renumber one.
 */
export const ExitCode = {
  /** Success; for `run --follow`, the run succeeded. */
  Ok: 0,
  /** The operation failed: problems found, the run failed or was cancelled, the gateway refused. */
  Failure: 1,
  /** Usage: bad flags or arguments, unreadable file, invalid JSON or configuration, a 400 answer. */
  Usage: 2,
  /** The gateway is unreachable (or answers 503: Temporal or PostgreSQL behind it is down). */
  Unreachable: 3,
  /** Authentication or authorisation: no key, a bad key (401), or a role that may not (403). */
  Auth: 4,
  /** Interrupted (Ctrl-C) while following a run; the run itself goes on. */
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Problem codes (docs/api.md) that mean "what you sent is invalid". */
const USAGE_CODES = new Set([
  'validation_failed',
  'invalid_pipeline',
  'invalid_input',
  'payload_too_large',
  'unsupported_media_type',
]);

/** The exit code for an HTTP error answer of the gateway. */
export function exitCodeForHttp(status: number, code?: string): ExitCodeValue {
  if (status === 401 || code === 'unauthenticated') return ExitCode.Auth;
  if (status === 403) return code === 'forbidden' || code === undefined ? ExitCode.Auth : ExitCode.Failure;
  if (status === 503 || code === 'unavailable') return ExitCode.Unreachable;
  if ((code !== undefined && USAGE_CODES.has(code)) || status === 400 || status === 413 || status === 415)
    return ExitCode.Usage;
  return ExitCode.Failure;
}
