import type { Command } from 'commander';
import { action, type CommandContext, usageExitCodes, withClientOptions } from '../client/command-kit';
import { ExitCode } from '../client/exit-codes';
import type { ScheduleView } from '../client/gateway.types';
import { table } from '../client/output';

const pipelineOf = (s: ScheduleView): string =>
  s.pipeline === undefined
    ? ''
    : typeof s.pipeline === 'string'
      ? s.pipeline
      : `${s.pipeline.name}${s.pipeline.version !== undefined ? `@${s.pipeline.version}` : ''}`;

const stateOf = (s: ScheduleView): string =>
  s.state ?? (s.paused === true ? 'paused' : s.paused === false ? 'active' : '');

/** `flowgate schedules list` (GET /v1/schedules). */
export async function schedulesListCommand(ctx: CommandContext): Promise<number> {
  const list = await ctx.client().schedules();
  if (ctx.json) {
    ctx.printJson(list);
    return ExitCode.Ok;
  }
  if (list.items.length === 0) {
    ctx.io.out('no schedules\n');
    return ExitCode.Ok;
  }
  ctx.io.out(
    table(
      ['ID', 'PIPELINE', 'CRON', 'TZ', 'STATE', 'NEXT RUN'],
      list.items.map((s) => [
        s.id,
        pipelineOf(s),
        Array.isArray(s.cron) ? s.cron.join(' | ') : (s.cron ?? ''),
        s.timezone ?? '',
        stateOf(s),
        s.nextRunAt ?? s.nextActionTimes?.[0] ?? '',
      ]),
    ),
  );
  return ExitCode.Ok;
}

/** `flowgate schedules pause|resume|trigger <id>` (POST /v1/schedules/:id/<action>). */
export async function scheduleActionCommand(
  ctx: CommandContext,
  verb: 'pause' | 'resume' | 'trigger',
  id: string,
  opts: { note?: string },
): Promise<number> {
  const answer = await ctx.client().scheduleAction(id, verb, opts.note);
  if (ctx.json) ctx.printJson(answer ?? { id, action: verb, ok: true });
  else ctx.io.out(`${{ pause: 'paused', resume: 'resumed', trigger: 'triggered' }[verb]} schedule ${id}\n`);
  return ExitCode.Ok;
}

export function registerSchedulesCommand(program: Command): void {
  const group = usageExitCodes(
    program.command('schedules').description('list, pause, resume and trigger schedules'),
  );
  withClientOptions(group.command('list').description('every schedule with its next run')).action(
    action((ctx) => schedulesListCommand(ctx)),
  );
  const verbs = {
    pause: 'pause a schedule (no runs start until resumed)',
    resume: 'resume a paused schedule',
    trigger: 'start a run of the schedule now',
  } as const;
  for (const [verb, description] of Object.entries(verbs) as ['pause' | 'resume' | 'trigger', string][]) {
    withClientOptions(
      group
        .command(verb)
        .description(description)
        .argument('<schedule>', 'schedule id (flowgate:<tenant>:<pipeline>) or pipeline name')
        .option('--note <text>', 'recorded with the action'),
    ).action(
      action((ctx, id: string) => scheduleActionCommand(ctx, verb, id, ctx.options as { note?: string })),
    );
  }
}
