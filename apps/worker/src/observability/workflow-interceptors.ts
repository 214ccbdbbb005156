/**
 * Workflow interceptor modules bundled with the interpreter: Temporal's OpenTelemetry workflow
 * interceptors (a `RunWorkflow` span per run under the client's `StartWorkflow`, and a
 * `StartActivity` span per step whose context reaches the activity in a header). Workflow spans
 * are made in the sandbox and leave through the `exporter` sink (see workerTracingOptions).
 * Used by the build (`bundle-workflows`) and by the worker when it bundles at start.
 */
export const workflowInterceptorModules: string[] = [
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];
