import type * as PromClient from 'prom-client';
import type { Counter, Gauge, Registry } from 'prom-client';

// prom-client is loaded by the processes that serve metrics, not by every `@flowgate/config` importer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const promClient = () => require('prom-client') as typeof PromClient;

/** Buckets (seconds) of request latencies: 5 ms … 10 s. */
export const HTTP_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets (seconds) of activity attempts: 5 ms … 5 min. */
export const ACTIVITY_LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];
/** Buckets (seconds) of whole steps, which include HITL waits and timers: 10 ms … 1 day. */
export const STEP_LATENCY_BUCKETS = [
  0.01,
  0.05,
  0.1,
  0.5,
  1,
  5,
  10,
  30,
  60,
  300,
  900,
  3600,
  4 * 3600,
  24 * 3600,
];

/** Circuit-breaker states, in the order the gauge reports them. */
export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;

/** A Prometheus registry with the Node.js process metrics (`process_*`, `nodejs_*`). */
export function createMetricsRegistry(): Registry {
  const { Registry, collectDefaultMetrics } = promClient();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** `flowgate_policy_denials_total{phase,policy,rule}`: one per blocking rule of a denial. */
export function policyDenialsCounter(registry: Registry): Counter<'phase' | 'policy' | 'rule'> {
  return new (promClient().Counter)({
    name: 'flowgate_policy_denials_total',
    help: 'Policy rules that blocked a run (phase=admission, gateway) or an activity (phase=dispatch, worker)',
    labelNames: ['phase', 'policy', 'rule'],
    registers: [registry],
  });
}

export interface CircuitStateSource {
  /** Every circuit with its current state (`closed`, `open`, `half_open`). */
  circuitStates(): Promise<readonly { dependency: string; state: string }[]>;
}

/**
 * `flowgate_circuit_state{dependency,state}`: 1 for the state a circuit is in, 0 for the others.
 * Read from the shared circuit table at each scrape (bounded by `timeoutMs`); when it cannot be
 * read, the scrape keeps the last known values and `onError` is told.
 */
export function circuitStateGauge(
  registry: Registry,
  source: () => CircuitStateSource | undefined,
  onError: (err: Error) => void = () => undefined,
  timeoutMs = 2_000,
): Gauge<'dependency' | 'state'> {
  return new (promClient().Gauge)({
    name: 'flowgate_circuit_state',
    help: 'Circuit-breaker state per dependency: 1 for the current state (closed, open, half_open), else 0',
    labelNames: ['dependency', 'state'],
    registers: [registry],
    async collect() {
      const circuits = source();
      if (!circuits) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        const states = await Promise.race([
          circuits.circuitStates(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`circuit states not read within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
        this.reset();
        for (const c of states) {
          for (const state of CIRCUIT_STATES)
            this.set({ dependency: c.dependency, state }, c.state === state ? 1 : 0);
        }
      } catch (err) {
        onError(err as Error);
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
