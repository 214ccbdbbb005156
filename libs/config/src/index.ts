export * from './config-error';
export * from './parse-env';
export * from './env-schemas';
export * from './logger';
export * from './telemetry.config';
export * from './telemetry';
export * from './telemetry-metrics';
