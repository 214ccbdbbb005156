import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_GATEWAY_URL, defaultConfigPath, resolveCliConfig } from '../src/client/cli-config';
import { UsageError } from '../src/client/errors';

let home: string;
let cwd: string;

const writeConfig = (content: unknown, path = defaultConfigPath({}, home)) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const resolve = (
  flags: { url?: string; apiKey?: string; config?: string } = {},
  env: Record<string, string> = {},
) => resolveCliConfig({ flags, env, cwd, home });

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'fg-cli-home-'));
  cwd = mkdtempSync(join(tmpdir(), 'fg-cli-cwd-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

describe('CLI configuration precedence: flags, environment, config file, local dev stack, default', () => {
  it('defaults to the local gateway with no key', () => {
    expect(resolve()).toEqual({ url: DEFAULT_GATEWAY_URL, sources: { url: 'default' } });
  });

  it('reads ~/.config/flowgate/config.json', () => {
    const file = writeConfig({ url: 'https://file.example/', apiKey: 'fgk_file_key' });
    expect(resolve()).toEqual({
      url: 'https://file.example',
      apiKey: 'fgk_file_key',
      sources: { url: 'config file', apiKey: 'config file' },
      configFile: file,
    });
  });

  it('prefers the environment to the file, and flags to both, per setting', () => {
    writeConfig({ url: 'https://file.example', apiKey: 'fgk_file_key' });
    const env = { FLOWGATE_URL: 'https://env.example', FLOWGATE_API_KEY: 'fgk_env_key' };
    expect(resolve({}, env)).toMatchObject({ url: 'https://env.example', apiKey: 'fgk_env_key' });
    expect(resolve({ url: 'http://flag.example:8080/v1' }, env)).toMatchObject({
      url: 'http://flag.example:8080',
      apiKey: 'fgk_env_key',
      sources: { url: 'flag', apiKey: 'environment' },
    });
    expect(resolve({ apiKey: 'fgk_flag_key' }, { FLOWGATE_URL: 'https://env.example' })).toMatchObject({
      url: 'https://env.example',
      apiKey: 'fgk_flag_key',
      sources: { url: 'environment', apiKey: 'flag' },
    });
  });

  it('takes --config, then FLOWGATE_CONFIG, over the default path', () => {
    writeConfig({ url: 'https://default.example' });
    const other = writeConfig({ url: 'https://other.example' }, join(cwd, 'other.json'));
    const third = writeConfig({ url: 'https://third.example' }, join(cwd, 'third.json'));
    expect(resolve({}, { FLOWGATE_CONFIG: other }).url).toBe('https://other.example');
    expect(resolve({ config: 'third.json' }, { FLOWGATE_CONFIG: other }).url).toBe('https://third.example');
    expect(resolveCliConfig({ flags: {}, env: { XDG_CONFIG_HOME: join(cwd, 'xdg') }, cwd, home }).url).toBe(
      DEFAULT_GATEWAY_URL,
    );
    expect(third).toContain('third.json');
  });

  it('uses a dev stack started here, but never sends its key to another URL', () => {
    mkdirSync(join(cwd, '.flowgate'));
    writeFileSync(
      join(cwd, '.flowgate', 'dev-stack.json'),
      JSON.stringify({ restUrl: 'http://127.0.0.1:4555/v1' }),
    );
    writeFileSync(join(cwd, '.flowgate', 'dev-admin-key'), 'fgk_dev_secret\n');
    expect(resolve()).toEqual({
      url: 'http://127.0.0.1:4555',
      apiKey: 'fgk_dev_secret',
      sources: { url: 'local dev stack', apiKey: 'local dev stack' },
    });
    expect(resolve({ url: 'https://prod.example' })).toEqual({
      url: 'https://prod.example',
      sources: { url: 'flag' },
    });
  });

  it('lists every bad value at once (exit 2)', () => {
    let error: unknown;
    try {
      resolve({ url: 'ftp://x' }, { FLOWGATE_API_KEY: 'has space', FLOWGATE_URL: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).details).toEqual([
      '--url: must be an http:// or https:// URL',
      'FLOWGATE_URL: must be an http:// or https:// URL',
      'FLOWGATE_API_KEY: must not contain spaces',
    ]);
  });

  it('refuses a missing explicit file, bad JSON and unknown keys with the file named', () => {
    expect(() => resolve({ config: 'missing.json' })).toThrow(/config file .*missing\.json does not exist/);
    writeConfig('{ nope');
    expect(() => resolve()).toThrow(/is not valid JSON/);
    writeConfig({ url: 'https://x.example', apikey: 'typo' });
    try {
      resolve();
      expect.unreachable();
    } catch (e) {
      expect((e as UsageError).message).toMatch(/^invalid config file .*config\.json$/);
      expect((e as UsageError).details.join('\n')).toMatch(/apikey/);
    }
  });
});
