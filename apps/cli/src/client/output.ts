import { CliError, GatewayProblemError, type ProblemItem } from './errors';
import { ExitCode, type ExitCodeValue } from './exit-codes';

/** Where a command writes: stdout/stderr in the process, buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Interactive terminal on stdout (live redraw, colours). */
  isTTY: boolean;
  color: boolean;
  columns: number;
}

export function processIo(): Io {
  const isTTY = process.stdout.isTTY === true;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY,
    color: isTTY && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb',
    columns: process.stdout.columns ?? 100,
  };
}

const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof ANSI;

export function paint(io: Pick<Io, 'color'>, colour: Colour, text: string): string {
  return io.color ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
}

/** Colour of a run or step status. */
export function statusColour(status: string): Colour {
  switch (status) {
    case 'succeeded':
      return 'green';
    case 'failed':
      return 'red';
    case 'cancelled':
    case 'skipped':
    case 'compensated':
      return 'yellow';
    case 'waiting':
      return 'magenta';
    case 'running':
      return 'cyan';
    default:
      return 'gray';
  }
}

/** `file:line:col code message` for one problem (the `validate` format). */
export function formatProblemItem(item: ProblemItem, file: string): string {
  const where = item.line !== undefined ? `${file}:${item.line}:${item.column ?? 1}` : file;
  const warning = item.severity === 'warning' ? 'warning: ' : '';
  const path = item.path ? ` (at ${item.path})` : '';
  return `${where} ${item.code ?? 'error'} ${warning}${item.message}${path}`;
}

/** Human lines for any error a command raised; never a stack trace. */
export function describeError(error: unknown, file?: string): { lines: string[]; exitCode: ExitCodeValue } {
  if (error instanceof GatewayProblemError) {
    const lines = [`error: ${error.message}`];
    for (const item of error.problem.errors ?? []) {
      lines.push(
        file && item.line !== undefined
          ? `  ${formatProblemItem(item, file)}`
          : `  ${item.path ? `${item.path}: ` : ''}${item.message}`,
      );
    }
    if (error.exitCode === ExitCode.Auth) {
      lines.push(
        error.status === 401
          ? '  set an API key with --api-key, FLOWGATE_API_KEY or the config file (docs/cli.md)'
          : '  the API key’s role may not do this (docs/api.md, Authentication)',
      );
    }
    return { lines, exitCode: error.exitCode };
  }
  if (error instanceof CliError) {
    return {
      lines: [`error: ${error.message}`, ...error.details.map((d) => `  ${d}`)],
      exitCode: error.exitCode,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { lines: [`error: ${message}`], exitCode: ExitCode.Failure };
}

/** The machine form of an error (`--json`): one JSON object on stderr. */
export function errorJson(error: unknown): object {
  const { lines, exitCode } = describeError(error);
  if (error instanceof GatewayProblemError)
    return { error: { ...error.problem, status: error.status }, exitCode };
  return {
    error: { message: lines[0]!.replace(/^error: /, ''), details: lines.slice(1).map((l) => l.trim()) },
    exitCode,
  };
}

/** A plain left-aligned table; columns separated by two spaces. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI_PATTERN, '').length;
}

/** `1.2s`, `3m 04s`, `2h 05m`. */
export function formatDurationMs(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** JSON for humans: compact when short, indented otherwise. */
export function prettyJson(value: unknown, maxInline = 80): string {
  const compact = JSON.stringify(value);
  if (compact === undefined) return 'null';
  return compact.length <= maxInline ? compact : JSON.stringify(value, null, 2);
}

/** Cuts a line to `width` visible characters, keeping colour codes intact. */
export function truncateVisible(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = '';
  let visible = 0;
  for (let i = 0; i < text.length && visible < width - 1;) {
    const rest = text.slice(i);
    const escape = /^\u001b\[[0-9;]*m/.exec(rest);
    if (escape) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    out += text[i];
    i++;
    visible++;
  }
  return `${out}…${out.includes('\u001b[') ? '\u001b[0m' : ''}`;
}
