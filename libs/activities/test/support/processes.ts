import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(__dirname, '..', '..', '..', '..');

export interface NodeProcess {
  child: ChildProcess;
  name: string;
  lines: string[];
  /** Resolves with the first output line matching `pattern`; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

/**
 * Runs a compiled Flowgate app as its own process (`apps/worker/dist/main.js`, …). Its standard
 * input is a pipe: with FLOWGATE_EXIT_WITH_PARENT=true it exits if the test process dies.
 */
export function spawnNode(name: string, script: string, env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, [resolve(repoRoot, script)], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      FLOWGATE_EXIT_WITH_PARENT: 'true',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => lines.push(`[stderr] ${l}`));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    name,
    lines,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolvePromise, reject) => {
        const started = Date.now();
        const check = setInterval(() => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit) {
            clearInterval(check);
            resolvePromise(hit);
          } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(check);
            reject(
              new Error(
                `${name}: no line matching ${pattern}; exit ${child.exitCode}\n${lines.slice(-30).join('\n')}`,
              ),
            );
          }
        }, 50);
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('no port')),
      );
    });
  });
}
