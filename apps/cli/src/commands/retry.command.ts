import type { Command } from 'commander';
import {
  action,
  type CommandContext,
  readJsonArgument,
  usageExitCodes,
  withClientOptions,
} from '../client/command-kit';
import { UsageError } from '../client/errors';
import { ExitCode } from '../client/exit-codes';
import { paint, statusColour } from '../client/output';
import { followRun } from '../client/run-follow';
import { exitCodeForRun } from './run.command';

export interface RetryOptions {
  rerun?: boolean;
  inputPatch?: string;
  reason?: string;
  follow?: boolean;
}

/**
 * `flowgate retry <runId>`: by default from the failed step (a Temporal reset of the same run);
 * `--rerun` starts a new run with the same pinned plan, optionally with `--input-patch` (a JSON
 * merge patch of the original input).
 */
export async function retryCommand(ctx: CommandContext, runId: string, opts: RetryOptions): Promise<number> {
  if (opts.inputPatch !== undefined && !opts.rerun) throw new UsageError('--input-patch needs --rerun');
  const patch =
    opts.inputPatch !== undefined ? readJsonArgument(opts.inputPatch, '--input-patch') : undefined;
  if (patch !== undefined && (patch === null || typeof patch !== 'object' || Array.isArray(patch)))
    throw new UsageError('--input-patch must be a JSON object (a JSON merge patch of the input)');
  const client = ctx.client();
  const run = await client.retryRun(runId, {
    mode: opts.rerun ? 'rerun' : 'reset',
    ...(patch !== undefined ? { inputPatch: patch } : {}),
    ...(opts.reason ? { reason: opts.reason } : {}),
  });
  if (!opts.follow) {
    if (ctx.json) ctx.printJson(run);
    else {
      const what = opts.rerun ? `rerun of ${runId} started as` : 'retrying from the failed step:';
      ctx.io.out(`${what} ${run.id}  ${paint(ctx.io, statusColour(run.status), run.status)}\n`);
    }
    return ExitCode.Ok;
  }
  const final = await followRun(client, ctx.io, run, {
    render: !ctx.json,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (ctx.json) ctx.printJson(final);
  return exitCodeForRun(final.status);
}

export function registerRetryCommand(program: Command): void {
  const cmd = program
    .command('retry')
    .description('retry a failed run from the failed step, or --rerun it (optionally with patched input)')
    .argument('<runId>', 'run id')
    .option('--rerun', 'start a new run of the same pinned plan instead of resetting this one')
    .option('--input-patch <json>', 'with --rerun: JSON merge patch of the input (JSON or @file)')
    .option('--reason <text>', 'recorded in the audit trail')
    .option('-f, --follow', 'follow the retried run to its end');
  withClientOptions(usageExitCodes(cmd)).action(
    action((ctx, runId: string) => retryCommand(ctx, runId, ctx.options as RetryOptions)),
  );
}
