import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './ports';

export const repoRoot = resolve(__dirname, '..', '..');

export interface StackInfo {
  restUrl: string;
  graphqlUrl: string;
  temporalUiUrl: string;
  temporalAddress: string;
  databaseUrl: string;
  apiKey: string;
  pids: Record<string, number>;
}

export interface RunningStack {
  info: StackInfo;
  process: ChildProcess;
  ports: { gateway: number; temporal: number; ui: number; postgres: number };
  output: string[];
  /** SIGTERM the supervisor; resolves with its exit code. */
  stop(): Promise<number | null>;
}

export async function stackPorts() {
  return {
    gateway: await freePort(),
    temporal: await freePort(),
    ui: await freePort(),
    postgres: await freePort(),
  };
}

/** Runs `flowgate dev --ephemeral` (what `npm start` runs) as a separate process tree. */
export function spawnDevStack(
  env: Record<string, string>,
  args: string[] = [],
): { child: ChildProcess; output: string[]; exit: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'apps', 'cli', 'dist', 'main.js'), 'dev', '--ephemeral', ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => output.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => output.push(`[stderr] ${l}`));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output, exit };
}

/** Starts the stack on free ports and waits for its FLOWGATE_READY line. */
export async function startDevStack(
  extraEnv: Record<string, string> = {},
  timeoutMs = 150_000,
): Promise<RunningStack> {
  const ports = await stackPorts();
  const { child, output, exit } = spawnDevStack({
    PORT: String(ports.gateway),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    FLOWGATE_PG_PORT: String(ports.postgres),
    ...extraEnv,
  });
  const info = await new Promise<StackInfo>((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`stack not ready in time:\n${output.slice(-40).join('\n')}`)),
      timeoutMs,
    );
    const check = setInterval(() => {
      const ready = output.find((l) => l.startsWith('FLOWGATE_READY '));
      if (ready) {
        clearInterval(check);
        clearTimeout(timer);
        resolvePromise(JSON.parse(ready.slice('FLOWGATE_READY '.length)) as StackInfo);
      }
    }, 100);
    void exit.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`stack exited with ${code} before ready:\n${output.slice(-40).join('\n')}`));
    });
  });
  return {
    info,
    process: child,
    ports,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

/** Whether a process id is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
