import { z } from 'zod';

/** Reusable pieces for environment schemas. */
export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback);

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

export const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

export const positiveInt = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .positive('must be positive')
    .default(fallback);

/** Settings every Flowgate process that talks to Temporal and PostgreSQL shares. */
export const coreEnvShape = {
  DATABASE_URL: postgresUrl,
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  FLOWGATE_TASK_QUEUE: z.string().min(1).default('flowgate'),
  TEMPORAL_UI_URL: z.url('must be a URL').default('http://127.0.0.1:8233'),
  LOG_LEVEL: logLevel,
};
