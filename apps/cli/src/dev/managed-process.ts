import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Where each output line goes (already prefixed with the name). */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * A child process of the dev stack. Its standard input is a pipe from this process, so children
 * that honour FLOWGATE_EXIT_WITH_PARENT exit even if the supervisor is killed outright.
 */
export class ManagedProcess {
  private child?: ChildProcess;
  private exitPromise?: Promise<number | null>;
  private stopping = false;
  /** Called when the process exits without having been asked to stop. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;

  constructor(private readonly options: ManagedProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawn(this.options.command, this.options.args, {
      cwd: this.options.cwd,
      env: { ...process.env, ...this.options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rl = createInterface({ input: child[stream]! });
      rl.on('line', (line) => this.options.onLine(line, stream));
    }
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.stopping) this.onUnexpectedExit?.(code, signal);
        resolve(code);
      });
      child.once('error', (err) => {
        this.options.onLine(`failed to start: ${err.message}`, 'stderr');
        if (!this.stopping) this.onUnexpectedExit?.(null, null);
        resolve(null);
      });
    });
  }

  get exited(): boolean {
    return this.child ? this.child.exitCode !== null || this.child.signalCode !== null : true;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || this.exited) return;
    child.stdin?.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
}
