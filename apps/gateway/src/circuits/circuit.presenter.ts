import type { CircuitRecord } from '@flowgate/store';

/** Public JSON shape of a circuit breaker. */
export function presentCircuit(c: CircuitRecord) {
  return {
    dependency: c.dependency,
    state: c.state,
    consecutiveFailures: c.consecutiveFailures,
    openedAt: c.openedAt?.toISOString() ?? null,
    halfOpenAt: c.halfOpenAt?.toISOString() ?? null,
    probeInFlight: c.probeInFlight,
    retryInMs: c.retryInMs,
    lastError: c.lastError,
    lastFailureAt: c.lastFailureAt?.toISOString() ?? null,
    updatedAt: c.updatedAt.toISOString(),
  };
}
