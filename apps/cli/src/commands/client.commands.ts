import type { Command } from 'commander';
import { registerApprovalsCommand } from './approvals.command';
import { registerCancelCommand } from './cancel.command';
import { registerGraphCommand } from './graph.command';
import { registerLogsCommand } from './logs.command';
import { registerPipelinesCommand } from './pipelines.command';
import { registerRetryCommand } from './retry.command';
import { registerRunCommand } from './run.command';
import { registerSchedulesCommand } from './schedules.command';
import { registerStatusCommand } from './status.command';
import { registerValidateCommand } from './validate.command';

/** The gateway client commands of `flowgate` (docs/cli.md). */
export function registerClientCommands(program: Command): void {
  registerValidateCommand(program);
  registerGraphCommand(program);
  registerRunCommand(program);
  registerStatusCommand(program);
  registerLogsCommand(program);
  registerCancelCommand(program);
  registerRetryCommand(program);
  registerApprovalsCommand(program);
  registerPipelinesCommand(program);
  registerSchedulesCommand(program);
}
