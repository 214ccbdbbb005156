import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logger. Child loggers carry run id and step path (`runId`, `stepPath`). */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.apiKey', '*.authorization', '*.password', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
