import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RunRecord } from '@flowgate/store';
import type { Principal } from '../../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway.config';
import { presentRun, presentStep } from '../run.presenter';
import { RunsService } from '../runs.service';
import { RunCompletionWatcher } from './run-completion.watcher';
import { RunEventsHub, type RunEvent } from './run-events.hub';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
export const isTerminal = (status: string) => TERMINAL.has(status);

/**
 * Follows one run: subscribes to the run-events hub (before reading anything, so no change
 * between the snapshot and the first event is lost), watches the workflow for its end, and
 * hands out changes until the run reaches a terminal status.
 */
@Injectable()
export class RunEventsService {
  private readonly logger = new Logger(RunEventsService.name);

  constructor(
    private readonly hub: RunEventsHub,
    private readonly watcher: RunCompletionWatcher,
    private readonly runs: RunsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * `GET /v1/runs/:id/events`: `snapshot` (the run with its steps), then `run` and `step` events
   * as they change, `: heartbeat` comments, and `end` after a terminal status; then the stream
   * closes. The run must exist in the caller's tenant (checked before the stream opens).
   */
  async stream(principal: Principal, id: string, reply: FastifyReply): Promise<void> {
    await this.runs.get(principal, id); // 404 as problem+json before any byte of the stream

    const queue: RunEvent[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const unsubscribe = await this.hub.subscribe(id, (event) => {
      queue.push(event);
      wake?.();
    });
    const unwatch = this.watcher.watch(principal.tenant, id);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let seq = 0;
    const send = (event: string, data: unknown) => {
      if (!closed) raw.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const heartbeat = setInterval(() => {
      if (!closed) raw.write(': heartbeat\n\n');
    }, this.config.FLOWGATE_SSE_HEARTBEAT_MS);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      unwatch();
      wake?.();
      raw.end();
    };
    raw.on('close', close);
    raw.write('retry: 2000\n\n');

    try {
      const snapshot = async (): Promise<RunRecord> => {
        const run = await this.runs.get(principal, id);
        send(
          'snapshot',
          presentRun(run, { temporalUi: this.runs.temporalLink(run.id) }, await this.runs.stepsOf(run.id)),
        );
        return run;
      };
      let run = await snapshot();
      while (!closed && !isTerminal(run.status)) {
        if (queue.length === 0) {
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
          continue;
        }
        const event = queue.shift()!;
        if (event.entity === 'resync') {
          queue.length = 0;
          run = await snapshot();
        } else if (event.entity === 'run') {
          run = await this.runs.get(principal, id);
          send('run', presentRun(run, { temporalUi: this.runs.temporalLink(run.id) }));
        } else if (event.path !== undefined) {
          const step = await this.runs.step(id, event.path);
          if (step) send('step', { runId: id, ...presentStep(step) });
        }
      }
      if (!closed) send('end', { runId: id, status: run.status });
    } catch (err) {
      this.logger.warn({ runId: id, err: (err as Error).message }, 'run event stream failed');
      send('error', { code: 'internal', detail: 'the event stream failed; reconnect to resume' });
    } finally {
      close();
    }
  }

  /**
   * GraphQL `runUpdated`: the run now, then again after every change of it or its steps
   * (bursts coalesce into one update), ending after a terminal status. `beforeEach` runs
   * before each value is handed out (the resolver clears its per-request loaders there).
   */
  async *updates(
    principal: Principal,
    id: string,
    beforeEach: () => void = () => undefined,
  ): AsyncGenerator<RunRecord> {
    let dirty = true;
    let wake: (() => void) | undefined;
    const unsubscribe = await this.hub.subscribe(id, () => {
      dirty = true;
      wake?.();
    });
    const unwatch = this.watcher.watch(principal.tenant, id);
    try {
      for (;;) {
        if (!dirty) {
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
        dirty = false;
        const run = await this.runs.get(principal, id);
        beforeEach();
        yield run;
        if (isTerminal(run.status)) return;
      }
    } finally {
      unsubscribe();
      unwatch();
    }
  }
}
