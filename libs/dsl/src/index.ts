export * from './plan/plan.types';
export * from './expressions/template';
export {
  checkExpression,
  analyzeTemplate,
  containsExpression,
  EXPRESSION_CONTEXT,
} from './expressions/expression';
export type { ExpressionCheck, TemplateExpression, TemplateExpressionIssue } from './expressions/expression';
export * from './document/document.types';
export { parseDuration, durationMs, formatDuration, DURATION_PATTERN } from './document/duration';
export { stepKind, kindKeysOf, childLists } from './document/step-kind';
export {
  PipelineDocumentSchema,
  StepSchema,
  STEP_ID_PATTERN,
  PIPELINE_NAME_PATTERN,
  ACTIVITY_NAME_PATTERN,
} from './document/pipeline.schema';
export { formatPath, formatProblem, hasErrors, sortProblems } from './parse/problem';
export type { Problem, PathSegment, DocPath } from './parse/problem';
export { NO_SOURCE } from './parse/source-map';
export type { SourceMap, SourcePosition } from './parse/source-map';
export { parsePipelineText, parseDocumentValue } from './parse/parse-pipeline';
export type { ParseOptions, ParseResult, SourceFormat } from './parse/parse-pipeline';
export { validatePipeline, pipelineKey } from './validate/validate-pipeline';
export type { ActivityCatalog, ActivityInfo, ValidateContext } from './validate/validate-pipeline';
export { validateRunInput } from './validate/validate-run-input';
export { BUILTIN_DEFAULTS } from './compile/defaults';
export {
  compilePipeline,
  collectPipelineRefs,
  documentDigest,
  PipelineCompileError,
} from './compile/compile-pipeline';
export type { CompileContext } from './compile/compile-pipeline';
export { loadParsedPipeline, loadPipeline } from './compile/load-pipeline';
export type { LoadContext, LoadResult, ParsedPipeline } from './compile/load-pipeline';
export { canonicalJson } from './util/canonical-json';
export { sha256Hex } from './util/sha256';
export { pipelineJsonSchema, PIPELINE_SCHEMA_ID } from './export/json-schema';
export { toMermaid } from './export/mermaid';
export {
  pipeline,
  PipelineBuilder,
  expr,
  uses,
  parallel,
  map,
  switchOn,
  loop,
  wait,
  subPipeline,
  set,
  fail,
  approval,
  inputStep,
} from './builder/pipeline.builder';
export type { StepOptions } from './builder/pipeline.builder';
