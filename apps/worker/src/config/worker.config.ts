import { coreEnvShape, parseEnv, positiveInt } from '@flowgate/config';
import { z } from 'zod';

const workerEnv = z.object({
  ...coreEnvShape,
  FLOWGATE_WORKER_IDENTITY: z.string().min(1).optional(),
  FLOWGATE_MAX_CONCURRENT_ACTIVITIES: positiveInt(200),
  FLOWGATE_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(100),
  FLOWGATE_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  FLOWGATE_MIGRATE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  FLOWGATE_SECRETS_DIR: z.string().min(1).optional(),
  /** Exit when standard input closes (the dev supervisor's pipe): no orphan when it dies. */
  FLOWGATE_EXIT_WITH_PARENT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export type WorkerConfig = z.infer<typeof workerEnv>;

/** Parses the worker's environment once; throws ConfigError listing every bad variable. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  return parseEnv(workerEnv, env);
}
