import type { Command } from 'commander';
import {
  action,
  type CommandContext,
  readPipelineFile,
  reportError,
  usageExitCodes,
  withClientOptions,
} from '../client/command-kit';
import { GatewayProblemError, GatewayUnreachableError } from '../client/errors';
import { ExitCode } from '../client/exit-codes';
import type { RegisteredPipeline } from '../client/gateway.types';
import { formatProblemItem, paint, table } from '../client/output';

interface PushResult {
  file: string;
  ok: boolean;
  pipeline?: RegisteredPipeline;
  error?: GatewayProblemError;
}

/**
 * `flowgate pipelines push <file...>`: registers each file as a new version. Files that fail are
 * tried again while a pass makes progress, so sub-pipelines may come in any order.
 */
export async function pipelinesPushCommand(ctx: CommandContext, files: string[]): Promise<number> {
  const client = ctx.client();
  const sources = files.map((file) => ({ file, ...readPipelineFile(file) }));
  const results = new Map<string, PushResult>();
  let pending = sources;
  while (pending.length > 0) {
    const failed: typeof pending = [];
    for (const source of pending) {
      try {
        const pipeline = await client.registerPipeline(source.text, source.format);
        results.set(source.file, { file: source.file, ok: true, pipeline });
      } catch (error) {
        if (error instanceof GatewayUnreachableError || !(error instanceof GatewayProblemError)) throw error;
        if (error.exitCode === ExitCode.Auth) throw error;
        results.set(source.file, { file: source.file, ok: false, error });
        failed.push(source);
      }
    }
    if (failed.length === pending.length) break;
    pending = failed;
  }
  const all = files.map((f) => results.get(f)!);
  if (ctx.json) {
    ctx.printJson({
      items: all.map((r) =>
        r.ok
          ? { file: r.file, ok: true, ...r.pipeline }
          : { file: r.file, ok: false, problem: r.error?.problem },
      ),
    });
  } else {
    for (const r of all) {
      if (r.ok && r.pipeline) {
        const state = r.pipeline.created ? 'registered' : 'unchanged';
        ctx.io.out(
          `${paint(ctx.io, 'green', '✔')} ${r.file} → ${r.pipeline.name}@${r.pipeline.version} (${state})\n`,
        );
        for (const w of r.pipeline.warnings ?? [])
          ctx.io.out(`  ${formatProblemItem({ ...w, severity: 'warning' }, r.file)}\n`);
      } else if (r.error) {
        ctx.io.out(`${paint(ctx.io, 'red', '✖')} ${r.file}\n`);
        reportError({ io: ctx.io, json: false }, r.error, r.file);
      }
    }
  }
  const failures = all.filter((r) => !r.ok);
  if (failures.length === 0) return ExitCode.Ok;
  return failures.some((r) => r.error?.exitCode === ExitCode.Usage) ? ExitCode.Usage : ExitCode.Failure;
}

/** `flowgate pipelines list`: the latest version of each registered pipeline. */
export async function pipelinesListCommand(ctx: CommandContext): Promise<number> {
  const list = await ctx.client().pipelines();
  if (ctx.json) {
    ctx.printJson(list);
    return ExitCode.Ok;
  }
  if (list.items.length === 0) {
    ctx.io.out('no pipelines registered (flowgate pipelines push <file>)\n');
    return ExitCode.Ok;
  }
  ctx.io.out(
    table(
      ['NAME', 'VERSION', 'TAGS', 'CREATED', 'BY'],
      list.items.map((p) => [
        p.name,
        String(p.version),
        (p.tags ?? []).join(','),
        p.createdAt ?? '',
        p.createdBy ?? '',
      ]),
    ),
  );
  return ExitCode.Ok;
}

export function registerPipelinesCommand(program: Command): void {
  const group = usageExitCodes(program.command('pipelines').description('register and list pipelines'));
  withClientOptions(
    group
      .command('push')
      .description('register pipeline files as new versions (sub-pipelines in any order)')
      .argument('<file...>', 'pipeline documents (YAML or JSON)'),
  ).action(action((ctx, files: string[]) => pipelinesPushCommand(ctx, files)));
  withClientOptions(group.command('list').description('the latest version of each pipeline')).action(
    action((ctx) => pipelinesListCommand(ctx)),
  );
}
