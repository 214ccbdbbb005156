import type { CircuitStateName } from '@flowgate/store';

/** What a caller may do given the circuit's current state. Pure. */
export type Admission =
  { kind: 'allow' } | { kind: 'probe' } | { kind: 'reject'; state: 'open' | 'half_open'; retryInMs: number };

/** The parts of a circuit snapshot the admission decision reads. */
export interface CircuitSnapshot {
  state: CircuitStateName;
  probeInFlight: boolean;
  /** Until half-open (open) or until the probe lease ends (half-open with a probe). */
  retryInMs: number;
}

/** Shortest next-retry delay a rejected call gets. */
export const MIN_CIRCUIT_RETRY_MS = 100;
/** Longest delay a call waits while another caller's probe is in flight (it usually ends sooner). */
export const PROBE_WAIT_CAP_MS = 1_000;

/**
 * The admission decision: closed (or unknown) → call; open → fail fast until half-open;
 * half-open without a probe → try to become the probe; half-open with a probe in flight → fail
 * fast and come back shortly.
 */
export function decideAdmission(snapshot: CircuitSnapshot | undefined): Admission {
  if (!snapshot || snapshot.state === 'closed') return { kind: 'allow' };
  if (snapshot.state === 'open') {
    return {
      kind: 'reject',
      state: 'open',
      retryInMs: Math.max(MIN_CIRCUIT_RETRY_MS, Math.ceil(snapshot.retryInMs)),
    };
  }
  if (!snapshot.probeInFlight) return { kind: 'probe' };
  return {
    kind: 'reject',
    state: 'half_open',
    retryInMs: Math.min(PROBE_WAIT_CAP_MS, Math.max(MIN_CIRCUIT_RETRY_MS, Math.ceil(snapshot.retryInMs))),
  };
}

/** How a finished call counts for its dependency's circuit. */
export type CallOutcome = 'success' | 'failure' | 'neutral';

/** The circuit-breaker key of an HTTP dependency: the URL's origin (scheme, host, port). */
export function httpDependency(url: string | URL): string {
  return new URL(url).origin;
}

/** The circuit-breaker key of an LLM provider: `llm:` and its base URL (no trailing slash). */
export function llmDependency(baseUrl: string): string {
  return `llm:${baseUrl.replace(/\/+$/, '')}`;
}
