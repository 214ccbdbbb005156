import type { Command } from 'commander';
import { action, type CommandContext, usageExitCodes, withClientOptions } from '../client/command-kit';
import { ExitCode } from '../client/exit-codes';
import type { ApprovalView } from '../client/gateway.types';
import { table } from '../client/output';

const pipelineLabel = (p: ApprovalView['pipeline']): string =>
  p === undefined ? '' : typeof p === 'string' ? p : `${p.name}@${p.version}`;

/** `flowgate approvals list`: what the caller may decide (GET /v1/approvals?status=…). */
export async function approvalsListCommand(ctx: CommandContext, opts: { status?: string }): Promise<number> {
  const list = await ctx.client().approvals(opts.status ?? 'pending');
  if (ctx.json) {
    ctx.printJson(list);
    return ExitCode.Ok;
  }
  if (list.items.length === 0) {
    ctx.io.out(`no ${opts.status ?? 'pending'} approvals\n`);
    return ExitCode.Ok;
  }
  ctx.io.out(
    table(
      ['RUN', 'STEP', 'PIPELINE', 'VOTES', 'REQUESTED', 'DEADLINE'],
      list.items.map((a) => [
        a.runId,
        a.path ?? a.stepId,
        pipelineLabel(a.pipeline),
        `${Array.isArray(a.votes) ? a.votes.length : 0}${a.quorum !== undefined ? `/${a.quorum}` : ''}`,
        a.requestedAt ?? '',
        a.deadline ?? '',
      ]),
    ),
  );
  return ExitCode.Ok;
}

/** `flowgate approvals approve|reject <runId> <stepId>` (POST /v1/runs/:id/resume). */
export async function decideCommand(
  ctx: CommandContext,
  decision: 'approve' | 'reject',
  runId: string,
  stepId: string,
  opts: { comment?: string },
): Promise<number> {
  const answer = await ctx.client().resumeRun(runId, { stepId, decision, comment: opts.comment ?? '' });
  if (ctx.json) ctx.printJson(answer);
  else
    ctx.io.out(
      `${decision === 'approve' ? 'approved' : 'rejected'} ${stepId} of ${runId}${answer.accepted === false ? ' (not accepted)' : ''}\n`,
    );
  return answer.accepted === false ? ExitCode.Failure : ExitCode.Ok;
}

export function registerApprovalsCommand(program: Command): void {
  const group = usageExitCodes(program.command('approvals').description('list and decide pending approvals'));
  withClientOptions(
    group
      .command('list')
      .description('approvals you may decide')
      .option('--status <status>', 'pending, decided or all', 'pending'),
  ).action(action((ctx) => approvalsListCommand(ctx, ctx.options as { status?: string })));
  for (const decision of ['approve', 'reject'] as const) {
    withClientOptions(
      group
        .command(decision)
        .description(`${decision} a waiting approval step`)
        .argument('<runId>', 'run id')
        .argument('<stepId>', 'approval step id (or its runtime path)')
        .option('-m, --comment <text>', 'recorded with the vote', ''),
    ).action(
      action((ctx, runId: string, stepId: string) =>
        decideCommand(ctx, decision, runId, stepId, ctx.options as { comment?: string }),
      ),
    );
  }
}
