#!/usr/bin/env node
import { Command } from 'commander';
import { registerClientCommands } from './commands/client.commands';
import { registerAdminCommand } from './commands/admin.command';
import { registerDevCommand } from './commands/dev.command';
import { registerPolicyCommand } from './commands/policy.command';

const program = new Command();
program.name('flowgate').description('Flowgate: durable pipelines on Temporal').version('0.1.0');
registerDevCommand(program);
registerAdminCommand(program);
registerClientCommands(program);
registerPolicyCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`flowgate: ${(err as Error).message}\n`);
  process.exit(1);
});
