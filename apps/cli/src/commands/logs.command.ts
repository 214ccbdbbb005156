import type { Command } from 'commander';
import { action, type CommandContext, usageExitCodes, withClientOptions } from '../client/command-kit';
import { ExitCode } from '../client/exit-codes';
import { renderTimeline } from '../client/run-view';

/** `flowgate logs <runId>`: the run's step and attempt timeline, with every error. */
export async function logsCommand(ctx: CommandContext, runId: string): Promise<number> {
  const run = await ctx.client().run(runId);
  if (ctx.json) {
    ctx.printJson({
      id: run.id,
      status: run.status,
      error: run.error ?? null,
      steps: [...(run.steps ?? [])].sort((a, b) => (a.startedAt ?? '~').localeCompare(b.startedAt ?? '~')),
    });
  } else {
    ctx.io.out(`${renderTimeline(run, ctx.io).join('\n')}\n`);
  }
  return ExitCode.Ok;
}

export function registerLogsCommand(program: Command): void {
  const cmd = program
    .command('logs')
    .description("print a run's timeline: each step's start, end, attempts and errors")
    .argument('<runId>', 'run id');
  withClientOptions(usageExitCodes(cmd)).action(action((ctx, runId: string) => logsCommand(ctx, runId)));
}
