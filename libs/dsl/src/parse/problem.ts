/** One problem found in a pipeline document or a run input. */
export interface Problem {
  /**
   * Stable machine code: `yaml-syntax`, `json-syntax`, `duplicate-key`, `empty-document`, `too-deep`, `schema`,
   * `duplicate-step-id`, `unknown-step-reference`, `cycle`, `unknown-activity`,
   * `invalid-expression`, `invalid-input-schema`, `invalid-activity-input`, `unknown-pipeline`,
   * `invalid-pipeline-input`, `invalid-join`, `invalid-quorum`, `invalid-retry`, `invalid-schedule`,
   * `invalid-run-input`, `internal`, and the warning `reference-not-upstream`.
   */
  code: string;
  message: string;
  /** Where in the document, e.g. `spec.steps[1].retry.maxAttempts` (empty for the whole document). */
  path: string;
  /** 1-based line of the offending node in the source text, when known. */
  line?: number;
  /** 1-based column of the offending node in the source text, when known. */
  column?: number;
  severity: 'error' | 'warning';
}

export type PathSegment = string | number;
export type DocPath = readonly PathSegment[];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats a path as `spec.steps[1].retry.maxAttempts`; odd keys are quoted: `with["Content-Type"]`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out.length === 0 ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Whether the list holds at least one error (warnings do not count). */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Sorts problems by position (unknown positions last), keeping discovery order otherwise. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        (a.p.line ?? Infinity) - (b.p.line ?? Infinity) ||
        (a.p.column ?? Infinity) - (b.p.column ?? Infinity) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}

/** A readable one-line rendering: `file.yaml:3:7 error [schema] spec.steps[0].id: ...`. */
export function formatProblem(problem: Problem, sourceName?: string): string {
  const where =
    problem.line !== undefined
      ? `${sourceName ?? '<input>'}:${problem.line}:${problem.column ?? 1}`
      : (sourceName ?? '<input>');
  const path = problem.path ? `${problem.path}: ` : '';
  return `${where} ${problem.severity} [${problem.code}] ${path}${problem.message}`;
}
