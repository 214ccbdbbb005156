import { join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { logLevel, parseEnv, port, positiveInt, postgresUrl } from '@flowgate/config';
import { z } from 'zod';

/** The repository root (where the workspace package.json lives). */
export function workspaceRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'flowgate')
      return dir;
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('cannot find the Flowgate workspace root');
    dir = parent;
  }
}

const devEnv = z.object({
  PORT: port(3000),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  FLOWGATE_PG_PORT: port(54329),
  DATABASE_URL: postgresUrl.optional(),
  FLOWGATE_HOME: z.string().min(1).optional(),
  FLOWGATE_WORKERS: positiveInt(1),
  FLOWGATE_TEMPORAL_BIN: z.string().min(1).optional(),
  LOG_LEVEL: logLevel,
});

export interface DevStackOptions {
  /** In-memory Temporal and a throw-away PostgreSQL data directory (tests). */
  ephemeral: boolean;
  registerExamples: boolean;
}

export type DevStackConfig = z.infer<typeof devEnv> & DevStackOptions & { root: string; home: string };

export function loadDevStackConfig(
  options: DevStackOptions,
  env: Record<string, string | undefined> = process.env,
): DevStackConfig {
  const parsed = parseEnv(devEnv, env);
  const root = workspaceRoot();
  return {
    ...parsed,
    ...options,
    root,
    home: parsed.FLOWGATE_HOME ? resolve(parsed.FLOWGATE_HOME) : join(root, '.flowgate'),
  };
}
