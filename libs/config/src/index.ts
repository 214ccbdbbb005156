export * from './config-error';
export * from './parse-env';
export * from './env-schemas';
export * from './logger';
