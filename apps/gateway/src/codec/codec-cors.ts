import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CODEC_PATH_PREFIX = '/codec/';
const ALLOW_HEADERS = 'authorization, content-type, x-api-key, x-namespace';

/** Origins allowed to call the codec endpoint: configured ones, else the Temporal UI's origin. */
export function codecCorsOrigins(configured: string[] | undefined, temporalUiUrl: string): Set<string> {
  if (configured?.length) return new Set(configured);
  try {
    return new Set([new URL(temporalUiUrl).origin]);
  } catch {
    return new Set();
  }
}

/**
 * CORS for `/codec/*` only (the Temporal Web UI calls it from the browser): answers preflight
 * requests itself and adds the CORS headers to every answer of an allowed origin, errors
 * included (so the UI can read a 401). Other origins get no CORS headers, so browsers refuse them.
 */
export function registerCodecCors(fastify: FastifyInstance, origins: ReadonlySet<string>): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!request.url.startsWith(CODEC_PATH_PREFIX)) return done();
    const origin = request.headers.origin;
    const allowed = typeof origin === 'string' && origins.has(origin);
    void reply.header('vary', 'Origin');
    if (allowed) {
      void reply.header('access-control-allow-origin', origin);
      void reply.header('access-control-allow-credentials', 'true');
    }
    if (request.method === 'OPTIONS') {
      if (allowed) {
        void reply.header('access-control-allow-methods', 'POST, OPTIONS');
        void reply.header('access-control-allow-headers', ALLOW_HEADERS);
        void reply.header('access-control-max-age', '600');
      }
      void reply.status(allowed ? 204 : 403).send();
      return;
    }
    done();
  });
}
