import type { Command } from 'commander';
import { parsePipelineText, toMermaid } from '@flowgate/dsl';
import { action, type CommandContext, readPipelineFile, usageExitCodes } from '../client/command-kit';
import { ExitCode } from '../client/exit-codes';
import { formatProblemItem } from '../client/output';

/** `flowgate graph <file>`: the pipeline as a Mermaid flowchart on stdout (no gateway needed). */
export async function graphCommand(ctx: CommandContext, file: string): Promise<number> {
  const { text, format } = readPipelineFile(file);
  const parsed = parsePipelineText(text, { format, sourceName: file });
  if (!parsed.ok) {
    for (const problem of parsed.problems) ctx.io.err(`${formatProblemItem(problem, file)}\n`);
    return ExitCode.Failure;
  }
  let mermaid: string;
  try {
    mermaid = toMermaid(parsed.document);
  } catch (error) {
    ctx.io.err(
      `${file}: cannot draw the pipeline: ${(error as Error).message} (run \`flowgate validate ${file}\`)\n`,
    );
    return ExitCode.Failure;
  }
  if (ctx.json) ctx.printJson({ file, pipeline: parsed.document.metadata, mermaid });
  else ctx.io.out(mermaid.endsWith('\n') ? mermaid : `${mermaid}\n`);
  return ExitCode.Ok;
}

export function registerGraphCommand(program: Command): void {
  usageExitCodes(
    program
      .command('graph')
      .description('print a pipeline as a Mermaid flowchart')
      .argument('<file>', 'pipeline document (YAML or JSON)')
      .option('--json', 'print JSON ({ file, pipeline, mermaid })'),
  ).action(action((ctx, file: string) => graphCommand(ctx, file)));
}
