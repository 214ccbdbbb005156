import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { parsePipelineText } from '@flowgate/dsl';
import {
  action,
  type CommandContext,
  readJsonArgument,
  readPipelineFile,
  usageExitCodes,
  withClientOptions,
} from '../client/command-kit';
import { UsageError } from '../client/errors';
import { ExitCode } from '../client/exit-codes';
import { formatProblemItem, paint, statusColour } from '../client/output';
import { followRun } from '../client/run-follow';
import { renderRun } from '../client/run-view';

export interface RunOptions {
  input?: string;
  follow?: boolean;
  idempotencyKey?: string;
  pollMs?: string;
}

const PIPELINE_FILE = /\.(ya?ml|json)$/i;

/** `name`, `name@version`, or a pipeline file sent inline (not registered). */
function pipelineArgument(value: string): string | object {
  if (!PIPELINE_FILE.test(value) || !existsSync(value)) return value;
  const { text, format } = readPipelineFile(value);
  const parsed = parsePipelineText(text, { format, sourceName: value });
  if (!parsed.ok) {
    throw new UsageError(
      `${value} is not a valid pipeline document`,
      parsed.problems.map((p) => formatProblemItem(p, value)),
    );
  }
  return parsed.document;
}

/** The exit code a finished run maps to: 0 succeeded, 1 failed or cancelled. */
export function exitCodeForRun(status: string): number {
  return status === 'succeeded' ? ExitCode.Ok : ExitCode.Failure;
}

/** `flowgate run <pipeline> [--input JSON|@file] [--follow]`. */
export async function runCommand(ctx: CommandContext, pipeline: string, opts: RunOptions): Promise<number> {
  const input = opts.input !== undefined ? readJsonArgument(opts.input, '--input') : {};
  const pollMs = opts.pollMs !== undefined ? Number(opts.pollMs) : undefined;
  if (pollMs !== undefined && (!Number.isInteger(pollMs) || pollMs < 50))
    throw new UsageError('--poll-ms must be an integer of at least 50');
  const client = ctx.client();
  const started = await client.startRun(pipelineArgument(pipeline), input, opts.idempotencyKey);
  if (!opts.follow) {
    if (ctx.json) ctx.printJson(started);
    else {
      ctx.io.out(`${started.id}  ${paint(ctx.io, statusColour(started.status), started.status)}\n`);
      if (started.links?.temporalUi)
        ctx.io.out(`${paint(ctx.io, 'gray', `Temporal UI: ${started.links.temporalUi}`)}\n`);
      ctx.io.out(`follow it: flowgate status ${started.id}  (or flowgate run --follow next time)\n`);
    }
    return ExitCode.Ok;
  }
  const final = await followRun(client, ctx.io, started, {
    render: !ctx.json,
    ...(pollMs !== undefined ? { pollMs } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (ctx.json) ctx.printJson(final);
  return exitCodeForRun(final.status);
}

export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('start a run of a registered pipeline (name or name@version) or of a pipeline file')
    .argument('<pipeline>', 'name, name@version, or a .yaml/.json file sent inline')
    .option('-i, --input <json>', 'run input: JSON, @file.json, or @- for standard input', '{}')
    .option('-f, --follow', 'show the run tree live until the run ends; exit 0 succeeded, 1 failed/cancelled')
    .option('--idempotency-key <key>', 'retry-safe submission: the same key and body return the same run')
    .option('--poll-ms <ms>', 'poll interval when the gateway has no event stream', '500');
  withClientOptions(usageExitCodes(cmd)).action(
    action((ctx, pipeline: string) => runCommand(ctx, pipeline, ctx.options as RunOptions)),
  );
}

/** `flowgate status <runId>`: the run tree now. */
export async function statusCommand(ctx: CommandContext, runId: string): Promise<number> {
  const run = await ctx.client().run(runId);
  if (ctx.json) ctx.printJson(run);
  else ctx.io.out(`${renderRun(run, ctx.io).join('\n')}\n`);
  return ExitCode.Ok;
}
