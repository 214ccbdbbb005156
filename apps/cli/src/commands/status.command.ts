import type { Command } from 'commander';
import { action, usageExitCodes, withClientOptions } from '../client/command-kit';
import { statusCommand } from './run.command';

export { statusCommand };

export function registerStatusCommand(program: Command): void {
  const cmd = program
    .command('status')
    .description('show a run: status, step tree, output or error, Temporal UI link')
    .argument('<runId>', 'run id (also the Temporal workflow id)');
  withClientOptions(usageExitCodes(cmd)).action(action((ctx, runId: string) => statusCommand(ctx, runId)));
}
