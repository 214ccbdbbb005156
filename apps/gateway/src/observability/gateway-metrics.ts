import { Counter, Histogram, type Registry } from 'prom-client';
import {
  circuitStateGauge,
  createMetricsRegistry,
  HTTP_LATENCY_BUCKETS,
  policyDenialsCounter,
  type CircuitStateSource,
} from '@flowgate/config';

/** Route label of requests no route matched (bounded cardinality: never the raw URL). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The gateway's Prometheus metrics (served on `GET /metrics`): request latency, runs started,
 * admission denials, circuit states, and the Node.js process metrics.
 */
export class GatewayMetrics {
  readonly registry: Registry = createMetricsRegistry();
  readonly httpDuration = new Histogram({
    name: 'flowgate_http_request_duration_seconds',
    help: 'Gateway HTTP request latency by route template, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly runsStarted = new Counter({
    name: 'flowgate_runs_started_total',
    help: 'Runs whose workflow the gateway started, by pipeline',
    labelNames: ['pipeline'] as const,
    registers: [this.registry],
  });
  readonly policyDenials = policyDenialsCounter(this.registry);
  private circuits?: CircuitStateSource;
  private onCircuitError: (err: Error) => void = () => undefined;

  constructor() {
    circuitStateGauge(
      this.registry,
      () => this.circuits,
      (err) => this.onCircuitError(err),
    );
  }

  /** Where `flowgate_circuit_state` reads from (the shared circuit table). */
  bindCircuits(source: CircuitStateSource, onError: (err: Error) => void): void {
    this.circuits = source;
    this.onCircuitError = onError;
  }

  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.httpDuration.observe(
      { method, route: route ?? UNMATCHED_ROUTE, status_code: String(status) },
      seconds,
    );
  }

  /** One increment per blocking rule of a denial. */
  recordDenials(phase: string, rules: readonly { policy: string; rule: string }[]): void {
    for (const r of rules) this.policyDenials.inc({ phase, policy: r.policy, rule: r.rule });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

let processMetrics: GatewayMetrics | undefined;

/** The process's one GatewayMetrics (the Fastify hooks in main.ts and the Nest module share it). */
export function gatewayMetrics(): GatewayMetrics {
  processMetrics ??= new GatewayMetrics();
  return processMetrics;
}
