import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import type { GatewayMetrics } from './gateway-metrics';
import { RunStartMetricsInterceptor } from './run-start-metrics.interceptor';

/**
 * The gateway's Temporal client interceptors: the OpenTelemetry one (a `StartWorkflow` span under
 * the active HTTP span, its context passed to the workflow in a header) and the started-runs counter.
 */
export function temporalClientInterceptors(
  metrics: GatewayMetrics,
  tracing = true,
): WorkflowClientInterceptor[] {
  return [
    ...(tracing ? [new OpenTelemetryWorkflowClientInterceptor()] : []),
    new RunStartMetricsInterceptor(metrics),
  ];
}

/**
 * Adds the interceptors (the tracing one only when tracing is on) to a client built elsewhere (the Temporal module), unless it already
 * has them. The workflow client reads its interceptor list at each call, so appending works for a
 * client built with the list form (the default). Returns false when it could not (factory form).
 */
export function attachTemporalClientInterceptors(
  client: Client,
  metrics: GatewayMetrics,
  tracing = true,
): boolean {
  const list = client.workflow.options.interceptors as unknown;
  if (!Array.isArray(list)) return false;
  const interceptors = list as WorkflowClientInterceptor[];
  for (const interceptor of temporalClientInterceptors(metrics, tracing)) {
    if (!interceptors.some((i) => i.constructor === interceptor.constructor)) interceptors.push(interceptor);
  }
  return true;
}
