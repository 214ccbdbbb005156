import { z } from 'zod';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

const otlpProtocol = z.enum(['http/protobuf', 'http/json'], {
  error: 'must be http/protobuf or http/json (gRPC is not supported: use the collector’s HTTP port, 4318)',
});

/**
 * The standard OpenTelemetry variables Flowgate reads (gateway and worker). The OTLP exporter
 * reads the rest of its settings itself (`OTEL_EXPORTER_OTLP_HEADERS`, `..._TIMEOUT`,
 * `..._COMPRESSION`, ...), and the SDK its sampler (`OTEL_TRACES_SAMPLER`, `..._ARG`) and resource
 * (`OTEL_RESOURCE_ATTRIBUTES`).
 */
export const telemetryEnvShape = {
  OTEL_SDK_DISABLED: flag(false),
  /** `otlp` or `none`; unset: `otlp` when an OTLP endpoint is set, else `none`. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none'], { error: 'must be otlp or none' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url('must be a URL').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url('must be a URL').optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
};

const telemetryEnv = z.object(telemetryEnvShape);
export type TelemetryEnv = z.infer<typeof telemetryEnv>;

/** What the tracing set-up does, resolved from the variables above. */
export interface TracingSettings {
  /** `none`: no tracer provider is registered and nothing is exported. */
  exporter: 'otlp' | 'none';
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
}

/** Resolves the tracing settings of a process from its (already validated) environment. */
export function tracingSettings(env: TelemetryEnv, defaultServiceName: string): TracingSettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporter = env.OTEL_SDK_DISABLED
    ? 'none'
    : (env.OTEL_TRACES_EXPORTER ?? (endpoint ? 'otlp' : 'none'));
  return {
    exporter,
    protocol: env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    serviceName: env.OTEL_SERVICE_NAME ?? defaultServiceName,
  };
}

/**
 * Tracing settings straight from an environment, never throwing: for set-up code that must run
 * before the process parses its whole configuration (HTTP instrumentation has to be installed
 * before Fastify loads). An invalid telemetry variable turns tracing off here; the process's own
 * configuration parse (which includes `telemetryEnvShape`) then reports it and stops.
 */
export function tracingSettingsFromEnv(
  defaultServiceName: string,
  env: Record<string, string | undefined> = process.env,
): TracingSettings {
  const source: Record<string, string | undefined> = {};
  for (const key of Object.keys(telemetryEnvShape)) source[key] = env[key] === '' ? undefined : env[key];
  const parsed = telemetryEnv.safeParse(source);
  if (!parsed.success)
    return { exporter: 'none', protocol: 'http/protobuf', serviceName: defaultServiceName };
  return tracingSettings(parsed.data, defaultServiceName);
}
