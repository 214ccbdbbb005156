import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from './errors';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:3000';

/** Where a setting came from (shown in messages, e.g. when the gateway is unreachable). */
export type ConfigSource = 'flag' | 'environment' | 'config file' | 'local dev stack' | 'default';

const gatewayUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .transform((u) => u.replace(/\/+$/, '').replace(/\/v1$/, ''));
const apiKey = z.string().trim().min(1, 'must not be empty').regex(/^\S+$/, 'must not contain spaces');

/** `~/.config/flowgate/config.json` (or `--config FILE`). */
export const ConfigFileSchema = z
  .object({
    url: gatewayUrl.optional().describe('Gateway base URL, e.g. https://flowgate.example.com'),
    apiKey: apiKey.optional().describe('API key (fgk_…); keep the file private (mode 600)'),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;

export interface CliConfig {
  url: string;
  apiKey?: string;
  sources: { url: ConfigSource; apiKey?: ConfigSource };
  /** The config file that was read, if any. */
  configFile?: string;
}

export interface ConfigInputs {
  flags: { url?: string; apiKey?: string; config?: string };
  env: Record<string, string | undefined>;
  cwd: string;
  home?: string;
}

/** Default config file: `$XDG_CONFIG_HOME/flowgate/config.json`, else `~/.config/flowgate/config.json`. */
export function defaultConfigPath(env: Record<string, string | undefined>, home = homedir()): string {
  const base =
    env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(base, 'flowgate', 'config.json');
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
}

function readConfigFile(path: string, explicit: boolean): ConfigFile | undefined {
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`config file ${path} does not exist`);
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ConfigFileSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`invalid config file ${path}`, issues(parsed.error));
  return parsed.data;
}

/** What `npm start` (`flowgate dev`) left in `.flowgate/`: its URL and development admin key. */
function readDevStack(
  cwd: string,
  env: Record<string, string | undefined>,
): { url?: string; apiKey?: string } {
  const home = resolve(cwd, env.FLOWGATE_HOME ?? '.flowgate');
  const out: { url?: string; apiKey?: string } = {};
  try {
    const info = JSON.parse(readFileSync(join(home, 'dev-stack.json'), 'utf8')) as { restUrl?: unknown };
    const url = gatewayUrl.safeParse(info.restUrl);
    if (url.success) out.url = url.data;
  } catch {
    return out;
  }
  try {
    const key = apiKey.safeParse(readFileSync(join(home, 'dev-admin-key'), 'utf8'));
    if (key.success) out.apiKey = key.data;
  } catch {
    // no key file: the URL alone is still useful
  }
  return out;
}

/**
 * Resolves the gateway URL and API key: flags, then environment (`FLOWGATE_URL`,
 * `FLOWGATE_API_KEY`), then the config file (`--config`, `FLOWGATE_CONFIG`, or the default path),
 * then a local dev stack started from this directory, then the default URL. Every value is
 * validated; all problems are reported at once (exit 2). The dev stack's key is only used with the
 * dev stack's own URL, so it is never sent to another server.
 */
export function resolveCliConfig(inputs: ConfigInputs): CliConfig {
  const { flags, env } = inputs;
  const explicitFile = flags.config ?? env.FLOWGATE_CONFIG;
  const filePath = explicitFile ? resolve(inputs.cwd, explicitFile) : defaultConfigPath(env, inputs.home);
  const file = readConfigFile(filePath, explicitFile !== undefined);

  const problems: string[] = [];
  const check = <T>(schema: z.ZodType<T>, value: string | undefined, label: string): T | undefined => {
    if (value === undefined) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push(`${label}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    return undefined;
  };
  const flagUrl = check(gatewayUrl, flags.url, '--url');
  const flagKey = check(apiKey, flags.apiKey, '--api-key');
  const envUrl = check(gatewayUrl, env.FLOWGATE_URL || undefined, 'FLOWGATE_URL');
  const envKey = check(apiKey, env.FLOWGATE_API_KEY || undefined, 'FLOWGATE_API_KEY');
  if (problems.length > 0) throw new UsageError(`invalid configuration (${problems.length})`, problems);

  const config: CliConfig = { url: DEFAULT_GATEWAY_URL, sources: { url: 'default' } };
  if (file) config.configFile = filePath;
  const urlFrom: [string | undefined, ConfigSource][] = [
    [flagUrl, 'flag'],
    [envUrl, 'environment'],
    [file?.url, 'config file'],
  ];
  const keyFrom: [string | undefined, ConfigSource][] = [
    [flagKey, 'flag'],
    [envKey, 'environment'],
    [file?.apiKey, 'config file'],
  ];
  const url = urlFrom.find(([v]) => v !== undefined);
  const key = keyFrom.find(([v]) => v !== undefined);
  if (url) config.url = url[0]!;
  if (key) {
    config.apiKey = key[0]!;
    config.sources.apiKey = key[1];
  }
  if (url) config.sources.url = url[1];

  if (!url || !key) {
    const dev = readDevStack(inputs.cwd, env);
    if (!url && dev.url) {
      config.url = dev.url;
      config.sources.url = 'local dev stack';
    }
    if (!key && dev.apiKey && dev.url && config.url === dev.url) {
      config.apiKey = dev.apiKey;
      config.sources.apiKey = 'local dev stack';
    }
  }
  return config;
}
