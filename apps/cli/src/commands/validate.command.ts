import type { Command } from 'commander';
import { parsePipelineText } from '@flowgate/dsl';
import {
  action,
  type CommandContext,
  readPipelineFile,
  usageExitCodes,
  withClientOptions,
} from '../client/command-kit';
import { ExitCode } from '../client/exit-codes';
import { formatProblemItem, paint } from '../client/output';
import { checkPipelineFiles, loadCatalog } from '../client/pipeline-check';

export interface ValidateOptions {
  offline?: boolean;
}

/**
 * `flowgate validate <file...>`: parse, validate and compile locally with @flowgate/dsl, exactly as
 * the gateway does. The activity catalog comes from the gateway when it answers; otherwise a
 * names-only catalog is used (activity names and inputs unchecked) and a warning says so.
 */
export async function validateCommand(
  ctx: CommandContext,
  files: string[],
  opts: ValidateOptions = {},
): Promise<number> {
  const sources = files.map((file) => ({ file, ...readPipelineFile(file) }));
  const documents = sources.flatMap((s) => {
    const parsed = parsePipelineText(s.text, { format: s.format });
    return parsed.ok ? [parsed.document] : [];
  });
  const client = opts.offline ? undefined : ctx.client();
  const { catalog, source } = await loadCatalog(client, documents);
  const online = source.kind === 'gateway';
  if (!online && !ctx.json) {
    ctx.io.err(
      `${paint(ctx.io, 'yellow', 'warning:')} activity catalog unavailable (${source.reason}); ` +
        'checked with a names-only catalog: activity names and inputs were not checked\n',
    );
  }
  const checked = await checkPipelineFiles(sources, catalog, online ? client : undefined);
  const failed = checked.filter((c) => !c.ok).length;

  if (ctx.json) {
    ctx.printJson({
      valid: failed === 0,
      catalog: source,
      files: checked.map((c) => ({
        file: c.file,
        valid: c.ok,
        pipeline: c.plan?.pipeline ?? null,
        digest: c.plan?.digest ?? null,
        problems: c.problems,
        unresolvedPipelines: c.unresolved,
      })),
    });
    return failed > 0 ? ExitCode.Failure : ExitCode.Ok;
  }
  for (const c of checked) {
    for (const problem of c.problems) ctx.io.out(`${formatProblemItem(problem, c.file)}\n`);
    for (const key of c.unresolved)
      ctx.io.err(
        `${paint(ctx.io, 'yellow', 'warning:')} ${c.file}: sub-pipeline ${key} not found locally or in a reachable registry; not checked\n`,
      );
    if (c.ok && c.plan) {
      const warnings = c.problems.length
        ? ` (${c.problems.length} warning${c.problems.length > 1 ? 's' : ''})`
        : '';
      ctx.io.out(
        `${paint(ctx.io, 'green', '✔')} ${c.file}: ${c.plan.pipeline.name}@${c.plan.pipeline.version} is valid${warnings}\n`,
      );
    }
  }
  if (failed > 0) {
    const errors = checked.reduce((n, c) => n + c.problems.filter((p) => p.severity === 'error').length, 0);
    ctx.io.err(
      `${paint(ctx.io, 'red', '✖')} ${errors} problem${errors === 1 ? '' : 's'} in ${failed} file${failed === 1 ? '' : 's'}\n`,
    );
    return ExitCode.Failure;
  }
  return ExitCode.Ok;
}

export function registerValidateCommand(program: Command): void {
  const cmd = program
    .command('validate')
    .description('check pipeline files: every problem as file:line:col code message (exit 1 on problems)')
    .argument('<file...>', 'pipeline documents (YAML or JSON); sub-pipelines among them are resolved')
    .option('--offline', 'do not ask the gateway for the activity catalog or sub-pipelines');
  withClientOptions(usageExitCodes(cmd)).action(
    action((ctx, files: string[]) => validateCommand(ctx, files, ctx.options as ValidateOptions)),
  );
}
