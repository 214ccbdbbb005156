import { type z } from 'zod';
import { ConfigError } from './config-error';

/**
 * Parses environment variables once with a zod object schema whose keys are variable names.
 * Every invalid variable is reported in one ConfigError.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const source: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    source[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: issue.path.map(String).join('.') || '(environment)',
    message: issue.message,
  }));
  throw new ConfigError(problems);
}
