import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  ACTIVITY_LATENCY_BUCKETS,
  circuitStateGauge,
  createMetricsRegistry,
  policyDenialsCounter,
  STEP_LATENCY_BUCKETS,
  type CircuitStateSource,
} from '@flowgate/config';

/** Worker states as `Worker.getState()` reports them. */
export const WORKER_STATES = [
  'INITIALIZED',
  'RUNNING',
  'STOPPING',
  'DRAINING',
  'DRAINED',
  'STOPPED',
  'FAILED',
];

export type RunOutcome = 'succeeded' | 'failed' | 'cancelled';

/**
 * The worker's Prometheus metrics (served on the worker's `/metrics`): runs finished, activity
 * attempt and step latencies, dispatch denials, circuit and worker states, Node.js process metrics.
 * The Temporal SDK's own metrics (`temporal_*`) are appended at scrape time (see TemporalRuntimeMetrics).
 */
export class WorkerMetrics {
  readonly registry: Registry = createMetricsRegistry();
  private readonly runsFinished: Record<RunOutcome, Counter<'pipeline'>> = {
    succeeded: new Counter({
      name: 'flowgate_runs_completed_total',
      help: 'Runs (top-level, not sub-pipelines or map batches) that succeeded, by pipeline',
      labelNames: ['pipeline'],
      registers: [this.registry],
    }),
    failed: new Counter({
      name: 'flowgate_runs_failed_total',
      help: 'Runs (top-level) that failed after their retries, by pipeline',
      labelNames: ['pipeline'],
      registers: [this.registry],
    }),
    cancelled: new Counter({
      name: 'flowgate_runs_cancelled_total',
      help: 'Runs (top-level) that were cancelled, by pipeline',
      labelNames: ['pipeline'],
      registers: [this.registry],
    }),
  };
  readonly activityDuration = new Histogram({
    name: 'flowgate_activity_duration_seconds',
    help: 'Activity attempts executed by this worker (a `uses` step each), by activity and outcome (succeeded, failed, denied)',
    labelNames: ['activity', 'outcome'] as const,
    buckets: ACTIVITY_LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly stepDuration = new Histogram({
    name: 'flowgate_step_duration_seconds',
    help: 'Finished steps of every kind (uses, parallel, map, approval, wait, ...) from start to end, retries and waits included, by kind and status',
    labelNames: ['kind', 'status'] as const,
    buckets: STEP_LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly policyDenials = policyDenialsCounter(this.registry);
  private circuits?: CircuitStateSource;
  private onCircuitError: (err: Error) => void = () => undefined;
  private workerState: () => string | undefined = () => undefined;

  constructor() {
    circuitStateGauge(
      this.registry,
      () => this.circuits,
      (err) => this.onCircuitError(err),
    );
    const currentState = () => this.workerState();
    new Gauge({
      name: 'flowgate_worker_state',
      help: 'Temporal worker state: 1 for the current one (INITIALIZED, RUNNING, STOPPING, DRAINING, DRAINED, STOPPED, FAILED)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const current = currentState();
        for (const state of WORKER_STATES) this.set({ state }, state === current ? 1 : 0);
      },
    });
  }

  /** Where `flowgate_circuit_state` reads from (the circuit breaker's shared table). */
  bindCircuits(source: CircuitStateSource | undefined, onError: (err: Error) => void): void {
    this.circuits = source;
    this.onCircuitError = onError;
  }

  bindWorkerState(state: () => string | undefined): void {
    this.workerState = state;
  }

  runFinished(pipeline: string, outcome: RunOutcome): void {
    this.runsFinished[outcome].inc({ pipeline });
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
