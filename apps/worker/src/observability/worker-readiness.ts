import type { Pool } from 'pg';

const TIMEOUT_MS = 2_000;

export interface IndicatorResult {
  status: 'up' | 'down';
  [key: string]: unknown;
}

/** Terminus-shaped report (the gateway's `/readyz` has the same shape). */
export interface ReadinessReport {
  status: 'ok' | 'error';
  info: Record<string, IndicatorResult>;
  error: Record<string, IndicatorResult>;
  details: Record<string, IndicatorResult>;
}

/** What the worker's readiness looks at; filled in as the worker starts. */
export interface ReadinessSources {
  pool?: Pick<Pool, 'query'>;
  worker?: { getState(): string };
  /** The worker's Temporal connection. */
  temporal?: { workflowService: { getSystemInfo(request: object): Promise<unknown> } };
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function indicator(check: () => Promise<Record<string, unknown> | void>): Promise<IndicatorResult> {
  try {
    return { status: 'up', ...((await check()) ?? {}) };
  } catch (err) {
    return { status: 'down', message: (err as Error).message };
  }
}

/** One indicator per dependency: the Temporal worker (RUNNING), PostgreSQL, the Temporal frontend. */
export async function checkReadiness(sources: ReadinessSources): Promise<ReadinessReport> {
  const [worker, postgres, temporal] = await Promise.all([
    indicator(async () => {
      const state = sources.worker?.getState() ?? 'STARTING';
      if (state !== 'RUNNING') throw new Error(`worker state is ${state}`);
      return { state };
    }),
    indicator(async () => {
      if (!sources.pool) throw new Error('not connected yet');
      await withTimeout(sources.pool.query('SELECT 1'), 'PostgreSQL');
    }),
    indicator(async () => {
      if (!sources.temporal) throw new Error('not connected yet');
      await withTimeout(sources.temporal.workflowService.getSystemInfo({}), 'Temporal');
    }),
  ]);
  const details = { worker, postgres, temporal };
  const entries = Object.entries(details);
  return {
    status: entries.every(([, r]) => r.status === 'up') ? 'ok' : 'error',
    info: Object.fromEntries(entries.filter(([, r]) => r.status === 'up')),
    error: Object.fromEntries(entries.filter(([, r]) => r.status === 'down')),
    details,
  };
}
