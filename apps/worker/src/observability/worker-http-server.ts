import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadinessReport } from './worker-readiness';

export interface WorkerHttpHandlers {
  metrics(): Promise<{ contentType: string; body: string }>;
  readiness(): Promise<ReadinessReport>;
  /** When set, `/metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

export interface WorkerHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function route(handlers: WorkerHttpHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendJson(res, 405, { status: 405, detail: 'only GET' });
  }
  switch (path) {
    case '/healthz':
      return sendJson(res, 200, { status: 'ok' });
    case '/readyz': {
      const report = await handlers.readiness();
      return sendJson(res, report.status === 'ok' ? 200 : 503, report);
    }
    case '/metrics': {
      if (handlers.metricsToken && !bearerMatches(req.headers.authorization, handlers.metricsToken))
        return sendJson(res, 401, { status: 401, detail: 'the metrics endpoint needs its bearer token' });
      const { contentType, body } = await handlers.metrics();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    default:
      return sendJson(res, 404, { status: 404, detail: `no ${path}; try /healthz, /readyz or /metrics` });
  }
}

/**
 * The worker's small HTTP server (the worker has no other port): `/healthz` (the process is up),
 * `/readyz` (worker RUNNING, PostgreSQL and Temporal reachable; 503 otherwise) and `/metrics`.
 */
export function startWorkerHttpServer(
  host: string,
  port: number,
  handlers: WorkerHttpHandlers,
): Promise<WorkerHttpServer> {
  const server: Server = createServer((req, res) => {
    route(handlers, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { status: 500, detail: (err as Error).message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
