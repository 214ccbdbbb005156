import { type ExitCodeValue, ExitCode, exitCodeForHttp } from './exit-codes';

/** An error the CLI reports as one readable message (never a stack trace) with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    /** Further lines printed under the message. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags, arguments, files or configuration: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.Usage, details);
    this.name = 'UsageError';
  }
}

const SOURCES: Record<string, string> = {
  flag: 'the --url flag',
  environment: 'FLOWGATE_URL',
  'config file': 'the config file',
  'local dev stack': 'the local dev stack (.flowgate/dev-stack.json)',
  default: 'the default',
};
const describeSource = (source?: string): string => SOURCES[source ?? 'default'] ?? source ?? 'the default';

/** The gateway could not be reached at all: exit 3. */
export class GatewayUnreachableError extends CliError {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly source?: string,
  ) {
    super(`cannot reach the Flowgate gateway at ${url} (${reason})`, ExitCode.Unreachable, [
      `the URL came from ${describeSource(source)}; is the gateway running?`,
      'start a local stack with `npm start` (or `flowgate dev`), or set --url / FLOWGATE_URL',
    ]);
    this.name = 'GatewayUnreachableError';
  }
}

/** One entry of a problem's `errors` list (docs/api.md). */
export interface ProblemItem {
  code?: string;
  message: string;
  path?: string;
  line?: number;
  column?: number;
  severity?: string;
}

/** An RFC 9457 problem document as the gateway sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  instance?: string;
  errors?: ProblemItem[];
  [key: string]: unknown;
}

/** The gateway answered with an error (problem+json, or anything else non-2xx). */
export class GatewayProblemError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly method: string,
    readonly path: string,
  ) {
    super(GatewayProblemError.headline(status, problem, method, path), exitCodeForHttp(status, problem.code));
    this.name = 'GatewayProblemError';
  }

  /** Whether the gateway has no such route at all (an older gateway), as opposed to no such run. */
  get routeMissing(): boolean {
    return this.status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE) /.test(this.problem.detail ?? '');
  }

  private static headline(status: number, problem: Problem, method: string, path: string): string {
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE) /.test(problem.detail ?? '')) {
      return `this gateway does not offer ${method} ${path} (is it an older version?)`;
    }
    const title = problem.title ?? `HTTP ${status}`;
    const code = problem.code ? ` [${problem.code}]` : '';
    const detail = problem.detail && problem.detail !== title ? `: ${problem.detail}` : '';
    return `${title}${code}${detail}`;
  }
}
