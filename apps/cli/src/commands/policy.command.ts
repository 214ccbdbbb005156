import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';

/** Exit codes of `flowgate policy`: 0 ok, 1 error (bad file, bad request, unreachable), 2 denied. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DENIED = 2;

const DEFAULT_URL = 'http://127.0.0.1:3000';

export class CliError extends Error {}

export interface GatewayOptions {
  url?: string;
  apiKey?: string;
}

interface Problem {
  message: string;
  path?: string;
  line?: number;
  column?: number;
}

interface DecisionView {
  effect: string;
  policy: string;
  version: number;
  ruleId: string;
  reason: string;
  mode: string;
  stepPath?: string;
}

/** Base URL of the REST API (`…/v1`) from the flag, the environment, or the default. */
export function restBase(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const base = (url ?? env.FLOWGATE_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  return base.endsWith('/v1') ? base : `${base}/v1`;
}

/** One request to the gateway; a network failure becomes a clear message. */
export async function gatewayRequest(
  opts: GatewayOptions,
  path: string,
  init: { method: string; body: string; contentType: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const base = restBase(opts.url, env);
  const key = opts.apiKey ?? env.FLOWGATE_API_KEY;
  if (!key) throw new CliError('no API key: pass --api-key or set FLOWGATE_API_KEY');
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: init.method,
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': init.contentType,
        accept: 'application/json',
      },
      body: init.body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new CliError(
      `cannot reach the Flowgate gateway at ${base} (${why}); is it running? Set --url or FLOWGATE_URL`,
    );
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { detail: text.slice(0, 500) };
  }
  return { status: res.status, body };
}

function formatProblems(body: Record<string, unknown>): string {
  const head = `${String(body.detail ?? body.title ?? 'request failed')}${body.code ? ` [${String(body.code)}]` : ''}`;
  const items = (body.errors as Problem[] | undefined) ?? [];
  return [
    head,
    ...items.map((p) => {
      const at = p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : '';
      return `  - ${p.path ? `${p.path}${at}: ` : at ? `${at}: ` : ''}${p.message}`;
    }),
  ].join('\n');
}

function formatDecision(d: DecisionView): string {
  const effect = d.mode === 'dry-run' && d.effect === 'deny' ? 'DENY (dry-run)' : d.effect.toUpperCase();
  return `${effect.padEnd(14)} ${d.policy}@${d.version} ${d.ruleId}${d.stepPath ? ` [${d.stepPath}]` : ''}: ${d.reason}`;
}

async function readDocument(file: string): Promise<{ text: string; format: 'yaml' | 'json' }> {
  try {
    return {
      text: await readFile(file, 'utf8'),
      format: extname(file).toLowerCase() === '.json' ? 'json' : 'yaml',
    };
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function parseDocument(file: string, text: string, format: 'yaml' | 'json'): unknown {
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** `flowgate policy apply <file>`: adds a version; returns the exit code. */
export async function policyApply(
  file: string,
  opts: GatewayOptions,
  out: (line: string) => void,
): Promise<number> {
  const { text, format } = await readDocument(file);
  const res = await gatewayRequest(opts, '/policies', {
    method: 'POST',
    body: text,
    contentType: format === 'json' ? 'application/json' : 'application/yaml',
  });
  if (res.status === 200 || res.status === 201) {
    const b = res.body as { name: string; version: number; mode: string; created: boolean };
    out(`${b.created ? 'applied' : 'unchanged'}: policy ${b.name} version ${b.version} (mode ${b.mode})`);
    return EXIT_OK;
  }
  out(formatProblems(res.body));
  return EXIT_ERROR;
}

/** `flowgate policy test <policy-file> <pipeline-file>`: dry-run evaluation; returns the exit code. */
export async function policyTest(
  policyFile: string,
  pipelineFile: string,
  opts: GatewayOptions & { input?: string; withCurrent?: boolean; json?: boolean },
  out: (line: string) => void,
): Promise<number> {
  const policy = await readDocument(policyFile);
  const pipelineDoc = await readDocument(pipelineFile);
  const pipeline = parseDocument(pipelineFile, pipelineDoc.text, pipelineDoc.format);
  let input: unknown = {};
  if (opts.input) {
    const raw = opts.input.startsWith('@') ? (await readDocument(opts.input.slice(1))).text : opts.input;
    input = parseDocument('--input', raw, 'json');
  }
  const res = await gatewayRequest(opts, '/policies/evaluate', {
    method: 'POST',
    contentType: 'application/json',
    body: JSON.stringify({ pipeline, policy: policy.text, input, includeCurrent: opts.withCurrent ?? false }),
  });
  if (res.status !== 200) {
    out(formatProblems(res.body));
    return EXIT_ERROR;
  }
  const body = res.body as {
    allowed: boolean;
    decisions: DecisionView[];
    pipeline: { name: string; version: number };
  };
  if (opts.json) out(JSON.stringify(body, null, 2));
  else {
    for (const d of body.decisions) out(formatDecision(d));
    const denied = body.decisions.filter((d) => d.effect === 'deny' && d.mode !== 'dry-run').length;
    const warned = body.decisions.filter((d) => d.effect === 'warn').length;
    out(
      `${body.allowed ? 'ALLOWED' : 'DENIED'}: ${body.pipeline.name}@${body.pipeline.version} (${denied} denied, ${warned} warnings, ${body.decisions.length} decisions)`,
    );
  }
  return body.allowed ? EXIT_OK : EXIT_DENIED;
}

/** `flowgate policy apply | test`. */
export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .description('governance policies: apply a version, test a pipeline against a policy');
  const gateway = (cmd: Command) =>
    cmd
      .option('--url <url>', 'gateway base URL (env FLOWGATE_URL; default http://127.0.0.1:3000)')
      .option('--api-key <key>', 'API key (env FLOWGATE_API_KEY)');
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const finish = async (run: () => Promise<number>) => {
    try {
      process.exitCode = await run();
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      process.stderr.write(`flowgate: ${err.message}\n`);
      process.exitCode = EXIT_ERROR;
    }
  };

  gateway(
    policy
      .command('apply <file>')
      .description('add a version of the policy in <file> (YAML or JSON); needs policies:write'),
  ).action((file: string, opts: GatewayOptions) => finish(() => policyApply(file, opts, write)));

  gateway(
    policy
      .command('test <policy-file> <pipeline-file>')
      .description(
        'evaluate <pipeline-file> against the candidate policy, without applying it (exit 2 when denied)',
      )
      .option('--input <json>', 'run input as JSON, or @file')
      .option('--with-current', "evaluate together with the tenant's current policies", false)
      .option('--json', 'print the raw evaluation', false),
  ).action(
    (
      policyFile: string,
      pipelineFile: string,
      opts: GatewayOptions & { input?: string; withCurrent?: boolean; json?: boolean },
    ) => finish(() => policyTest(policyFile, pipelineFile, opts, write)),
  );
}
