import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type CliConfig, resolveCliConfig } from './cli-config';
import { UsageError } from './errors';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import { GatewayClient } from './gateway-client';
import { describeError, errorJson, type Io, processIo } from './output';

/** Options every gateway command takes (docs/cli.md). */
export interface ClientOptions {
  url?: string;
  apiKey?: string;
  config?: string;
  json?: boolean;
}

/** What a command needs from its surroundings; tests pass their own. */
export interface CommandEnv {
  io: Io;
  env: Record<string, string | undefined>;
  cwd: string;
  home?: string;
  fetch?: typeof fetch;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
}

export interface CommandContext extends CommandEnv {
  json: boolean;
  options: ClientOptions;
  config(): CliConfig;
  client(): GatewayClient;
  /** Prints a value as JSON (the `--json` form). */
  printJson(value: unknown): void;
}

export function createContext(options: ClientOptions, env: CommandEnv): CommandContext {
  let config: CliConfig | undefined;
  let client: GatewayClient | undefined;
  const ctx: CommandContext = {
    ...env,
    json: options.json === true,
    options,
    config: () =>
      (config ??= resolveCliConfig({
        flags: { url: options.url, apiKey: options.apiKey, config: options.config },
        env: env.env,
        cwd: env.cwd,
        ...(env.home ? { home: env.home } : {}),
      })),
    client: () => (client ??= new GatewayClient(ctx.config(), env.fetch ?? fetch)),
    printJson: (value) => env.io.out(`${JSON.stringify(value, null, 2)}\n`),
  };
  return ctx;
}

/** Adds the gateway options (`--url`, `--api-key`, `--config`, `--json`) to a command. */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .option(
      '--url <url>',
      'gateway base URL (else FLOWGATE_URL, the config file, a local dev stack, http://127.0.0.1:3000)',
    )
    .option('--api-key <key>', 'API key (else FLOWGATE_API_KEY or the config file)')
    .option('--config <file>', 'config file (else FLOWGATE_CONFIG or ~/.config/flowgate/config.json)')
    .option('--json', 'print JSON for machines instead of text for humans');
}

/** Reports an error on stderr (text, or one JSON object with --json) and returns its exit code. */
export function reportError(
  ctx: Pick<CommandContext, 'io' | 'json'>,
  error: unknown,
  file?: string,
): ExitCodeValue {
  const { lines, exitCode } = describeError(error, file);
  if (ctx.json) ctx.io.err(`${JSON.stringify(errorJson(error))}\n`);
  else ctx.io.err(`${lines.join('\n')}\n`);
  return exitCode;
}

export type CommandHandler<A extends unknown[]> = (ctx: CommandContext, ...args: A) => Promise<number>;

/**
 * Wraps a handler as a commander action: builds the context from the command's options, turns
 * every error into a readable message and an exit code (docs/cli.md), and sets process.exitCode.
 */
export function action<A extends unknown[]>(
  handler: CommandHandler<A>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const positional = args.slice(0, -2) as A;
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const ctx = createContext(command.optsWithGlobals<ClientOptions>(), {
      io: processIo(),
      env: process.env,
      cwd: process.cwd(),
      signal: controller.signal,
    });
    try {
      process.exitCode = await handler(ctx, ...positional);
    } catch (error) {
      process.exitCode = reportError(ctx, error);
    } finally {
      process.off('SIGINT', onSigint);
    }
  };
}

/** Usage errors of commander itself (unknown option, missing argument) exit 2, help exits 0. */
export function usageExitCodes(cmd: Command): Command {
  return cmd.exitOverride((err) => {
    if (err.exitCode !== 0) process.exit(ExitCode.Usage);
  });
}

/** `--input`-style values: inline JSON, `@file` (JSON file) or `@-` (standard input). */
export function readJsonArgument(
  value: string,
  flag: string,
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): unknown {
  let text = value;
  let where = flag;
  if (value.startsWith('@')) {
    const file = value.slice(1);
    where = file === '-' ? `${flag} (standard input)` : `${flag} file ${file}`;
    try {
      text = file === '-' ? readStdin() : readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read ${where}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${where} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads a pipeline file; a missing or unreadable file is a usage error (exit 2). */
export function readPipelineFile(file: string): { text: string; format: 'yaml' | 'json' } {
  try {
    return { text: readFileSync(file, 'utf8'), format: /\.json$/i.test(file) ? 'json' : 'yaml' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (err as Error).message}`,
    );
  }
}
