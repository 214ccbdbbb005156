import type { PipelineDocument } from '../document/document.types';
import { parsePipelineText, type ParseOptions, type ParseResult } from '../parse/parse-pipeline';
import { hasErrors, type Problem, sortProblems } from '../parse/problem';
import type { PipelinePlan } from '../plan/plan.types';
import { pipelineKey, validatePipeline } from '../validate/validate-pipeline';
import { compileValidated, type CompileContext } from './compile-pipeline';

export type LoadContext = CompileContext & ParseOptions;

export type LoadResult =
  | { ok: true; document: PipelineDocument; plan: PipelinePlan; warnings: Problem[] }
  | { ok: false; problems: Problem[] };

/** A successfully parsed document (what `parsePipelineText` returns when `ok`). */
export type ParsedPipeline = Extract<ParseResult, { ok: true }>;

function internalProblem(error: unknown): LoadResult {
  // A bug here must still not surface as a stack trace to the user.
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    problems: [{ code: 'internal', message: `internal error: ${message}`, path: '', severity: 'error' }],
  };
}

/**
 * Validate + compile a document already parsed (callers that need the document first, e.g. to
 * resolve its sub-pipelines, parse once). Never throws; problems keep their line/column.
 */
export function loadParsedPipeline(parsed: ParsedPipeline, ctx: CompileContext): LoadResult {
  try {
    const problems = sortProblems([
      ...parsed.warnings,
      ...validatePipeline(parsed.document, {
        catalog: ctx.catalog,
        source: parsed.source,
        ...(ctx.subPlans ? { subPlans: ctx.subPlans } : {}),
      }),
    ]);
    if (hasErrors(problems)) return { ok: false, problems };
    const plan = compileValidated(parsed.document, (ref) => {
      const child = ctx.subPlans?.get(pipelineKey(ref));
      if (!child) throw new Error(`unknown pipeline '${pipelineKey(ref)}'`);
      return child;
    });
    return { ok: true, document: parsed.document, plan, warnings: problems };
  } catch (error) {
    return internalProblem(error);
  }
}

/**
 * Parse + validate + compile in one call. Never throws: every problem (errors and warnings) comes
 * back with its path and line/column; on success, the warnings come with the plan.
 */
export function loadPipeline(text: string, ctx: LoadContext): LoadResult {
  let parsed: ParseResult;
  try {
    parsed = parsePipelineText(text, {
      ...(ctx.format ? { format: ctx.format } : {}),
      ...(ctx.sourceName ? { sourceName: ctx.sourceName } : {}),
    });
  } catch (error) {
    return internalProblem(error);
  }
  return parsed.ok ? loadParsedPipeline(parsed, ctx) : parsed;
}
