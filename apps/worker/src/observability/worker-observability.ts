import type { ActivityInterceptorsFactory, InjectedSinks, TelemetryOptions } from '@temporalio/worker';
import type { Logger, Tracing, CircuitStateSource } from '@flowgate/config';
import { ConfigError } from '@flowgate/config';
import type { ProjectionSinks } from '@flowgate/workflows';
import type { WorkerConfig } from '../config/worker.config';
import { ActivityMetricsInterceptor } from './activity-metrics.interceptor';
import { RunMetricsRecorder } from './run-metrics.sinks';
import { TemporalRuntimeMetrics } from './temporal-runtime-metrics';
import { startWorkerHttpServer, type WorkerHttpServer } from './worker-http-server';
import { WorkerMetrics } from './worker-metrics';
import { checkReadiness, type ReadinessSources } from './worker-readiness';
import { startWorkerTracing, workerTracingOptions } from './worker-tracing';
import { workflowInterceptorModules } from './workflow-interceptors';

/** Default port of the worker's HTTP server (Prometheus exporters' customary 9464). */
export const DEFAULT_WORKER_HTTP_PORT = 9464;

/** What `createFlowgateWorker` registers on the Temporal Worker for observability. */
export interface WorkerObservabilityHooks {
  /** Outermost first: tracing, then metrics (before projection and policy enforcement). */
  activityInterceptors: ActivityInterceptorsFactory[];
  /** For a worker that bundles at start; the prebuilt bundle already contains them. */
  workflowModules: string[];
  /** The projection sinks, wrapped for run/step metrics, plus the workflow span exporter sink. */
  sinks(projection: InjectedSinks<ProjectionSinks>): InjectedSinks<ProjectionSinks>;
}

type ObservabilityConfig = Pick<
  WorkerConfig,
  | 'FLOWGATE_WORKER_HTTP_PORT'
  | 'FLOWGATE_WORKER_HTTP_HOST'
  | 'FLOWGATE_METRICS_TOKEN'
  | 'FLOWGATE_TEMPORAL_METRICS_ADDRESS'
>;

/**
 * The worker's traces, metrics and health endpoints, wired in main.ts:
 * `create` → `runtimeTelemetry()` into `Runtime.install` → `startHttp(pool)` →
 * `hooks()` into `createFlowgateWorker` → `attach(...)` → `close()` after the worker stopped.
 */
export class WorkerObservability {
  readonly metrics = new WorkerMetrics();
  private readonly runs = new RunMetricsRecorder(this.metrics);
  private readonly readiness: ReadinessSources = {};
  private server?: WorkerHttpServer;

  private constructor(
    private readonly config: ObservabilityConfig,
    private readonly logger: Logger,
    readonly tracing: Tracing,
    private temporal: TemporalRuntimeMetrics | undefined,
  ) {}

  /** The Temporal SDK's Prometheus exporter, when on. */
  get temporalMetrics(): TemporalRuntimeMetrics | undefined {
    return this.temporal;
  }

  static async create(
    config: ObservabilityConfig,
    logger: Logger,
    tracing: Tracing = startWorkerTracing(),
  ): Promise<WorkerObservability> {
    const temporalMetrics = await TemporalRuntimeMetrics.fromSetting(
      config.FLOWGATE_TEMPORAL_METRICS_ADDRESS,
      config.FLOWGATE_WORKER_HTTP_PORT !== 0,
    );
    return new WorkerObservability(
      config,
      logger.child({ component: 'observability' }),
      tracing,
      temporalMetrics,
    );
  }

  /** `telemetryOptions` for `Runtime.install` (the SDK's Prometheus exporter), if any. */
  runtimeTelemetry(): TelemetryOptions | undefined {
    return this.temporal?.telemetryOptions();
  }

  /** Runtime.install failed with the metrics exporter (its port was taken meanwhile): go on without. */
  dropTemporalMetrics(err: Error): void {
    this.logger.warn({ err: err.message }, 'Temporal SDK metrics disabled: the SDK could not serve them');
    this.temporal = undefined;
  }

  get httpPort(): number | undefined {
    return this.server?.port;
  }

  /**
   * Starts `/healthz`, `/readyz` and `/metrics` (unless FLOWGATE_WORKER_HTTP_PORT=0), before the
   * rest of start-up so that liveness answers during migrations. A port given explicitly that is
   * taken stops the worker; the default one only disables the endpoints (and the Temporal SDK
   * metrics exporter that would only feed them).
   */
  async startHttp(): Promise<void> {
    const explicit = this.config.FLOWGATE_WORKER_HTTP_PORT;
    if (explicit === 0) return;
    const port = explicit ?? DEFAULT_WORKER_HTTP_PORT;
    const host = this.config.FLOWGATE_WORKER_HTTP_HOST;
    try {
      this.server = await startWorkerHttpServer(host, port, {
        metrics: async () => ({ contentType: this.metrics.contentType, body: await this.renderMetrics() }),
        readiness: () => checkReadiness(this.readiness),
        ...(this.config.FLOWGATE_METRICS_TOKEN ? { metricsToken: this.config.FLOWGATE_METRICS_TOKEN } : {}),
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      const message = `port ${port} is already in use; set FLOWGATE_WORKER_HTTP_PORT to a free port (0 disables)`;
      if (explicit !== undefined) throw new ConfigError([{ variable: 'FLOWGATE_WORKER_HTTP_PORT', message }]);
      this.logger.error({ port }, `worker HTTP endpoints disabled: ${message}`);
      if (!this.config.FLOWGATE_TEMPORAL_METRICS_ADDRESS) this.temporal = undefined;
      return;
    }
    this.logger.info(
      { url: `http://${host}:${this.server.port}` },
      'worker /metrics, /healthz and /readyz listening',
    );
  }

  hooks(): WorkerObservabilityHooks {
    const tracing = workerTracingOptions(this.tracing);
    return {
      activityInterceptors: [
        ...tracing.activityInterceptors,
        (ctx) => ({ inbound: new ActivityMetricsInterceptor(this.metrics, ctx.info.activityType) }),
      ],
      workflowModules: workflowInterceptorModules,
      sinks: (projection) => ({ ...this.runs.wrap(projection), ...tracing.sinks }),
    };
  }

  /** The parts readiness and metrics look at, as start-up creates them. */
  attach(parts: {
    pool?: ReadinessSources['pool'];
    worker?: { getState(): string };
    connection?: ReadinessSources['temporal'];
    circuits?: CircuitStateSource;
  }): void {
    if (parts.pool) this.readiness.pool = parts.pool;
    if (parts.connection) this.readiness.temporal = parts.connection;
    const worker = parts.worker;
    if (worker) {
      this.readiness.worker = worker;
      this.metrics.bindWorkerState(() => worker.getState());
    }
    if (parts.circuits) {
      this.metrics.bindCircuits(parts.circuits, (err) =>
        this.logger.warn({ err: err.message }, 'circuit states not read for metrics'),
      );
    }
  }

  /** Flowgate's metrics followed by the Temporal SDK's. */
  async renderMetrics(): Promise<string> {
    const [own, temporal] = await Promise.all([
      this.metrics.registry.metrics(),
      this.temporal?.scrape() ?? Promise.resolve(''),
    ]);
    return own.endsWith('\n') || own === '' ? `${own}${temporal}` : `${own}\n${temporal}`;
  }

  /** Stops the HTTP server and flushes traces; call after the worker stopped. */
  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
    await this.tracing
      .shutdown()
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'trace flush failed'));
  }
}
