import type { InterpreterLimits } from './run.types';

/** Temporal warns on payloads above 256 KB and rejects above 2 MB: outputs above this go by reference. */
export const LARGE_OUTPUT_BYTES = 256 * 1024;

/** Maximum characters of a step's output preview in the progress query. */
export const OUTPUT_PREVIEW_CHARS = 512;

/** Maximum history events of any single execution (the bounded-history invariant). */
export const MAX_HISTORY_EVENTS_PER_EXECUTION = 10_240;

export const DEFAULT_LIMITS: InterpreterLimits = {
  continueAsNewAfterEvents: 6_000,
  maxInlineConcurrency: 500,
  maxBatchChildren: 200,
  progressItemDetail: 20,
  evaluationsPerYield: 500,
};

export function resolveLimits(overrides: Partial<InterpreterLimits> | undefined): InterpreterLimits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}

/** Step outputs above this size fail with OutputTooLarge (Temporal rejects payloads above 2 MB). */
export const MAX_INLINE_OUTPUT_BYTES = 2 * 1024 * 1024 - 64 * 1024;
