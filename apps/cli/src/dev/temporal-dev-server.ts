import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '@flowgate/workflows';
import { ManagedProcess } from './managed-process';
import { waitFor } from './wait-for';

export interface TemporalServerHandle {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface TemporalServerOptions {
  port: number;
  uiPort: number;
  /** SQLite file for persistence; in-memory when undefined. */
  dbFile?: string;
  binary?: string;
  onLine: (line: string) => void;
}

/** Finds the Temporal CLI: an explicit path, then the project venv, then PATH. */
export function findTemporalBinary(root: string, explicit?: string): string | undefined {
  const candidates = [
    explicit,
    join(root, '.flowgate', 'tools', 'venv', 'bin', 'temporal'),
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'temporal')),
  ];
  return candidates.find((c): c is string => Boolean(c) && existsSync(c as string));
}

function serverArgs(o: TemporalServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--log-level',
    'error',
  ];
  if (o.dbFile) {
    args.push(
      '--db-filename',
      o.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES))
    args.push('--search-attribute', `${name}=${type}`);
  return args;
}

async function frontendReady(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '1s' });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/** Starts the Temporal CLI dev server (the official binary) and waits until its frontend answers. */
export async function startTemporalDevServer(o: TemporalServerOptions): Promise<TemporalServerHandle> {
  const address = `127.0.0.1:${o.port}`;
  const uiUrl = `http://127.0.0.1:${o.uiPort}`;
  if (o.binary) {
    const proc = new ManagedProcess({
      name: 'temporal',
      command: o.binary,
      args: serverArgs(o),
      onLine: o.onLine,
    });
    let exitInfo: string | undefined;
    proc.onUnexpectedExit = (code, signal) =>
      (exitInfo = `the server exited (code ${code}, signal ${signal})`);
    proc.start();
    await waitFor('Temporal dev server', () => frontendReady(address), {
      timeoutMs: 60_000,
      abort: () => exitInfo,
    });
    return { address, uiUrl, stop: () => proc.stop(15_000) };
  }
  // Last resort for machines with internet access: the SDK downloads the same CLI.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  o.onLine('Temporal CLI not installed; using the Temporal SDK download (needs internet access)');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: o.port,
      ui: true,
      uiPort: o.uiPort,
      dbFilename: o.dbFile,
      extraArgs: Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([n, t]) => [
        '--search-attribute',
        `${n}=${t}`,
      ]),
    },
  });
  return { address, uiUrl, stop: () => env.teardown() };
}
