import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, coreEnvShape, parseEnv, port } from '../src';

const schema = z.object({ ...coreEnvShape, PORT: port(3000) });

describe('parseEnv', () => {
  it('parses a valid environment with defaults', () => {
    const cfg = parseEnv(schema, { DATABASE_URL: 'postgres://localhost/x' });
    expect(cfg.PORT).toBe(3000);
    expect(cfg.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(cfg.LOG_LEVEL).toBe('info');
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      parseEnv(schema, {
        DATABASE_URL: 'mysql://x',
        PORT: '70000',
        LOG_LEVEL: 'loud',
        TEMPORAL_ADDRESS: 'nope',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'TEMPORAL_ADDRESS']);
    expect((error as ConfigError).message).toContain('PORT: must be between 1 and 65535');
  });

  it('treats empty strings as unset', () => {
    const cfg = parseEnv(schema, { DATABASE_URL: 'postgres://h/db', PORT: '' });
    expect(cfg.PORT).toBe(3000);
  });

  it('reports a missing required variable', () => {
    expect(() => parseEnv(schema, {})).toThrow(/DATABASE_URL/);
  });
});
