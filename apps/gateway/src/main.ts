// First: installs the HTTP instrumentation before Fastify loads (a no-op unless tracing is configured).
import './observability/instrument';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, createLogger } from '@flowgate/config';
import { migrate } from '@flowgate/store';
import { AppModule } from './app.module';
import { PinoNestLogger } from './common/logging/pino-nest.logger';
import { PROBLEM_CONTENT_TYPE, toProblem } from './common/errors/problem-details.filter';
import { loadGatewayConfig } from './config/gateway.config';
import { requestStatements, SQL_STATEMENTS_HEADER } from './infra/sql-statement-counter';
import { gatewayMetrics } from './observability/gateway-metrics';
import { installHttpObservability } from './observability/http-observability';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/** Gateway process: REST + GraphQL on Fastify until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = createLogger('flowgate-gateway', config.LOG_LEVEL);
  if (config.FLOWGATE_MIGRATE) await migrate(config.DATABASE_URL, logger);

  const adapter = new FastifyAdapter({
    bodyLimit: config.FLOWGATE_BODY_LIMIT_BYTES,
    logger: false,
    trustProxy: true,
  });
  const fastify = adapter.getInstance();
  installHttpObservability(adapter, gatewayMetrics());
  if (config.FLOWGATE_SQL_STATEMENT_HEADER) {
    // Diagnostics: how many SQL statements each request ran (the DataLoader budget is checked with it).
    fastify.addHook('onRequest', (_req, _reply, done) => requestStatements.run({ count: 0 }, done));
    fastify.addHook('onSend', (_req, reply, payload, done) => {
      const store = requestStatements.getStore();
      if (store) void reply.header(SQL_STATEMENTS_HEADER, String(store.count));
      done(null, payload);
    });
  }
  // Errors Fastify raises before a route handler runs (body too large, malformed JSON, unsupported
  // content type) leave in the same problem+json shape as everything else.
  fastify.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err, request.url);
    if (problem.status >= 500) logger.error({ err, url: request.url }, 'request failed');
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  });
  fastify.addContentTypeParser(
    YAML_TYPES,
    { parseAs: 'string', bodyLimit: config.FLOWGATE_BODY_LIMIT_BYTES },
    (_req, body, done) => done(null, body),
  );
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
  });
  app.enableShutdownHooks();

  try {
    await app.listen(config.PORT, config.HOST);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError([
        { variable: 'PORT', message: `port ${config.PORT} is already in use; set PORT to a free port` },
      ]);
    }
    throw err;
  }
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'gateway listening');

  if (config.FLOWGATE_EXIT_WITH_PARENT) {
    process.stdin.on('end', () => void app.close());
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    err instanceof ConfigError
      ? `flowgate-gateway: ${err.message}\n`
      : `flowgate-gateway: fatal: ${(err as Error).stack ?? String(err)}\n`,
  );
  process.exit(1);
});
