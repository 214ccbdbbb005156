import { CliError } from './errors';
import { ExitCode } from './exit-codes';
import type { GatewayClient } from './gateway-client';
import type { RunView } from './gateway.types';
import { type Io, truncateVisible } from './output';
import { applyRunEvent, isTerminalRun, renderRun, viewKey } from './run-view';

export interface FollowOptions {
  /** Poll interval when the gateway has no event stream (or it drops). */
  pollMs?: number;
  /** Use `GET /v1/runs/:id/events` when the gateway offers it. */
  events?: boolean;
  /** Live view (redraw in place on a terminal, a line per change otherwise); false for --json. */
  render?: boolean;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Redraws the run tree in place on a terminal; prints one line per change elsewhere. */
export class LiveRunView {
  private drawnLines = 0;
  private lastKey = '';
  private printed = new Set<string>();

  constructor(
    private readonly io: Io,
    private total?: number,
  ) {}

  setTotal(total: number | undefined): void {
    this.total = total;
  }

  update(run: RunView, force = false): void {
    const key = viewKey(run);
    if (!force && key === this.lastKey) return;
    this.lastKey = key;
    if (this.io.isTTY) {
      const lines = renderRun(run, this.io, {
        compact: true,
        ...(this.total !== undefined ? { total: this.total } : {}),
      }).map((l) => truncateVisible(l, Math.max(20, this.io.columns - 1)));
      // Cursor up over the previous frame, to column 0, erase to the end of the screen.
      const clear = this.drawnLines > 0 ? `\u001b[${this.drawnLines}A\r\u001b[0J` : '';
      this.io.out(`${clear}${lines.join('\n')}\n`);
      this.drawnLines = lines.length;
      return;
    }
    // Not a terminal: append what changed, one line each.
    const say = (id: string, text: string) => {
      if (this.printed.has(id)) return;
      this.printed.add(id);
      this.io.out(`${text}\n`);
    };
    say(`run:${run.id}`, `following ${run.id} (${run.pipeline.name}@${run.pipeline.version})`);
    for (const step of run.steps ?? []) {
      say(
        `${step.path}:${step.status}:${step.attempts}`,
        `  ${step.path}: ${step.status}${step.attempts > 1 ? ` (attempt ${step.attempts})` : ''}`,
      );
    }
    if (run.status === 'waiting')
      say(`run:waiting:${key}`, `  run is waiting for a person (flowgate approvals list)`);
  }

  /** The final tree (non-terminal output prints it once, at the end). */
  finish(run: RunView): void {
    if (this.io.isTTY) {
      this.update(run, true);
      // The live view cut a long output to the width: print it whole, below the tree.
      const compact = JSON.stringify(run.output ?? null);
      if (run.status === 'succeeded' && compact.length > this.io.columns - 10)
        this.io.out(`output:\n${JSON.stringify(run.output, null, 2)}\n`);
    } else
      this.io.out(
        `${renderRun(run, this.io, { ...(this.total !== undefined ? { total: this.total } : {}) }).join('\n')}\n`,
      );
  }
}

/** Number of top-level steps of the run's pipeline, from the registry (undefined when unknown). */
async function topLevelSteps(client: GatewayClient, run: RunView): Promise<number | undefined> {
  try {
    const version = await client.pipelineVersion(run.pipeline.name, run.pipeline.version, 5_000);
    const steps = version.document?.spec?.steps;
    return Array.isArray(steps) ? steps.length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows a run to its end: the gateway's event stream when offered (`snapshot`, `run`, `step`,
 * `end`), polling `GET /v1/runs/:id` otherwise or when the stream drops. Resolves with the final
 * run; Ctrl-C stops following (exit 130) and leaves the run alone.
 */
export async function followRun(
  client: GatewayClient,
  io: Io,
  start: RunView,
  opts: FollowOptions = {},
): Promise<RunView> {
  const signal = opts.signal;
  const view = opts.render === false ? undefined : new LiveRunView(io);
  const interrupted = () =>
    new CliError(
      `stopped following ${start.id}; the run goes on (flowgate status ${start.id})`,
      ExitCode.Interrupted,
    );
  let run = start;
  view?.update(run);
  if (view) void topLevelSteps(client, run).then((n) => view.setTotal(n));

  // A terminal ticks the elapsed times once a second.
  const ticker = view && io.isTTY ? setInterval(() => view.update(run, true), 1000) : undefined;
  try {
    if (!isTerminalRun(run.status) && opts.events !== false) {
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const stream = await client.events(
          `/v1/runs/${encodeURIComponent(run.id)}/events`,
          controller.signal,
        );
        if (stream) {
          for await (const event of stream) {
            let data: unknown;
            try {
              data = JSON.parse(event.data);
            } catch {
              continue;
            }
            run = applyRunEvent(run, event.event, data) ?? run;
            view?.update(run);
            if (event.event === 'end') break;
          }
        }
      } catch (error) {
        if (signal?.aborted) throw interrupted();
        // The stream failed (proxy, restart): polling below carries on.
        if (!(error instanceof Error)) throw error;
        if ((error as CliError).exitCode === ExitCode.Auth) throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        controller.abort();
      }
    }
    // Poll until the end (also fetches the final output once the stream has said `end`).
    for (;;) {
      if (signal?.aborted) throw interrupted();
      run = await client.run(run.id);
      view?.update(run);
      if (isTerminalRun(run.status)) break;
      await sleep(opts.pollMs ?? 500, signal);
    }
    view?.finish(run);
    return run;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}
