import type { Command } from 'commander';
import { action, type CommandContext, usageExitCodes, withClientOptions } from '../client/command-kit';
import { ExitCode } from '../client/exit-codes';
import { paint, statusColour } from '../client/output';
import { followRun } from '../client/run-follow';

export interface CancelOptions {
  reason?: string;
  wait?: boolean;
}

/** `flowgate cancel <runId>`: asks Temporal to cancel the run (compensations run); `--wait` for the end. */
export async function cancelCommand(
  ctx: CommandContext,
  runId: string,
  opts: CancelOptions,
): Promise<number> {
  const client = ctx.client();
  const answer = await client.cancelRun(runId, opts.reason);
  if (!opts.wait) {
    if (ctx.json) ctx.printJson(answer);
    else
      ctx.io.out(
        `cancellation requested for ${runId} (status now ${paint(ctx.io, statusColour(answer.status), answer.status)})\n`,
      );
    return ExitCode.Ok;
  }
  const final = await followRun(client, ctx.io, answer, {
    render: false,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (ctx.json) ctx.printJson(final);
  else ctx.io.out(`${runId} ${paint(ctx.io, statusColour(final.status), final.status)}\n`);
  return final.status === 'cancelled' ? ExitCode.Ok : ExitCode.Failure;
}

export function registerCancelCommand(program: Command): void {
  const cmd = program
    .command('cancel')
    .description('cancel a run (its compensations run); exit 0 once requested')
    .argument('<runId>', 'run id')
    .option('--reason <text>', 'recorded in the audit trail')
    .option('--wait', 'wait until the run has ended; exit 0 only if it ended cancelled');
  withClientOptions(usageExitCodes(cmd)).action(
    action((ctx, runId: string) => cancelCommand(ctx, runId, ctx.options as CancelOptions)),
  );
}
