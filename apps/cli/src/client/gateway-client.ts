import { type CliConfig } from './cli-config';
import { CliError, GatewayProblemError, GatewayUnreachableError, type Problem } from './errors';
import { ExitCode } from './exit-codes';
import { parseSse, type SseEvent } from './sse';
import type {
  ActivityList,
  ApprovalList,
  PipelineList,
  PipelineVersion,
  RegisteredPipeline,
  RunList,
  RunView,
  ScheduleList,
} from './gateway.types';

export interface RequestOptions {
  method?: string;
  /** JSON-encoded unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  query?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Send no API key even when one is configured (health checks). */
  anonymous?: boolean;
  headers?: Record<string, string>;
}

/** Network errors that mean "no gateway there" rather than "the gateway failed". */
function unreachableReason(err: unknown): string | undefined {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  const code = e?.cause?.code;
  if (code) {
    const reasons: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ENOTFOUND: 'host not found',
      EAI_AGAIN: 'host not found',
      ECONNRESET: 'connection reset',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
      ETIMEDOUT: 'connection timed out',
      UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
      UND_ERR_SOCKET: 'connection closed',
      EPROTO: 'TLS/protocol error',
      ERR_SSL_WRONG_VERSION_NUMBER: 'TLS/protocol error',
    };
    return reasons[code] ?? code;
  }
  if (e?.name === 'TypeError' && /fetch failed/.test(e.message ?? ''))
    return e.cause?.message ?? 'fetch failed';
  return undefined;
}

/** A thin client of the gateway's REST API (docs/api.md) over the global fetch. */
export class GatewayClient {
  constructor(
    readonly config: CliConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get baseUrl(): string {
    return this.config.url;
  }

  private url(path: string, query?: Record<string, string | undefined>): string {
    const u = new URL(`${this.config.url}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  private headers(opts: RequestOptions, accept = 'application/json'): Record<string, string> {
    const headers: Record<string, string> = { accept, 'user-agent': 'flowgate-cli' };
    if (this.config.apiKey && !opts.anonymous) headers.authorization = `Bearer ${this.config.apiKey}`;
    if (opts.rawBody !== undefined || opts.body !== undefined)
      headers['content-type'] = opts.contentType ?? 'application/json';
    return { ...headers, ...opts.headers };
  }

  private async send(
    path: string,
    opts: RequestOptions,
    accept?: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    const method = opts.method ?? 'GET';
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
    try {
      return await this.fetchImpl(this.url(path, opts.query), {
        method,
        headers: this.headers(opts, accept),
        body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const reason = unreachableReason(err);
      if (reason) throw new GatewayUnreachableError(this.config.url, reason, this.config.sources.url);
      throw err;
    }
  }

  private async fail(res: Response, method: string, path: string): Promise<never> {
    const text = await res.text().catch(() => '');
    let problem: Problem;
    try {
      const parsed = JSON.parse(text) as unknown;
      problem = parsed && typeof parsed === 'object' ? (parsed as Problem) : { detail: text };
    } catch {
      problem = { detail: text.slice(0, 500) || res.statusText };
    }
    throw new GatewayProblemError(res.status, problem, method, path.split('?')[0]!);
  }

  /** One JSON request; a non-2xx answer throws GatewayProblemError. */
  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(path, opts);
    if (!res.ok) return this.fail(res, opts.method ?? 'GET', path);
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`the gateway sent something that is not JSON for ${path}`, ExitCode.Failure);
    }
  }

  /**
   * Server-sent events of `path`, or `undefined` when the gateway has no such stream (404 for the
   * route itself). Ends when the server closes the stream or `signal` aborts.
   */
  async events(path: string, signal: AbortSignal): Promise<AsyncGenerator<SseEvent> | undefined> {
    const res = await this.send(path, { timeoutMs: 24 * 3600_000 }, 'text/event-stream', signal);
    if (!res.ok) {
      const error = await this.fail(res, 'GET', path).catch((e: unknown) => e);
      if (error instanceof GatewayProblemError && error.routeMissing) return undefined;
      throw error;
    }
    if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      await res.body?.cancel();
      return undefined;
    }
    return parseSse(res.body);
  }

  health(): Promise<{ status: string }> {
    return this.request('/healthz', { anonymous: true, timeoutMs: 5_000 });
  }

  activities(timeoutMs = 5_000): Promise<ActivityList> {
    return this.request('/v1/activities', { timeoutMs });
  }

  pipelines(): Promise<PipelineList> {
    return this.request('/v1/pipelines');
  }

  pipelineVersion(name: string, version: number, timeoutMs?: number): Promise<PipelineVersion> {
    return this.request(`/v1/pipelines/${encodeURIComponent(name)}/versions/${version}`, {
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }

  registerPipeline(text: string, format: 'yaml' | 'json'): Promise<RegisteredPipeline> {
    return this.request('/v1/pipelines', {
      method: 'POST',
      rawBody: text,
      contentType: format === 'json' ? 'application/json' : 'application/yaml',
    });
  }

  startRun(pipeline: string | object, input: unknown, idempotencyKey?: string): Promise<RunView> {
    return this.request('/v1/runs', {
      method: 'POST',
      body: { pipeline, input },
      ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
    });
  }

  run(id: string): Promise<RunView> {
    return this.request(`/v1/runs/${encodeURIComponent(id)}`);
  }

  runs(query: Record<string, string | undefined>): Promise<RunList> {
    return this.request('/v1/runs', { query });
  }

  cancelRun(id: string, reason?: string): Promise<RunView & { cancelRequested?: boolean }> {
    return this.request(`/v1/runs/${encodeURIComponent(id)}/cancel`, {
      method: 'POST',
      body: reason ? { reason } : {},
    });
  }

  retryRun(
    id: string,
    body: { mode: 'reset' | 'rerun'; inputPatch?: object; reason?: string },
  ): Promise<RunView> {
    return this.request(`/v1/runs/${encodeURIComponent(id)}/retry`, { method: 'POST', body });
  }

  resumeRun(
    id: string,
    body: { stepId: string; decision: 'approve' | 'reject'; comment: string },
  ): Promise<{ runId: string; accepted: boolean }> {
    return this.request(`/v1/runs/${encodeURIComponent(id)}/resume`, { method: 'POST', body });
  }

  approvals(status = 'pending'): Promise<ApprovalList> {
    return this.request('/v1/approvals', { query: { status } });
  }

  schedules(): Promise<ScheduleList> {
    return this.request('/v1/schedules');
  }

  scheduleAction(id: string, action: 'pause' | 'resume' | 'trigger', note?: string): Promise<unknown> {
    return this.request(`/v1/schedules/${encodeURIComponent(id)}/${action}`, {
      method: 'POST',
      body: note ? { note } : {},
    });
  }
}
