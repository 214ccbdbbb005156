import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { RUN_EVENTS_CHANNEL, type RunEventNotification } from '@flowgate/store';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway.config';

/** A change announced by PostgreSQL, or `resync` after the LISTEN connection was re-established. */
export type RunEvent = RunEventNotification | { runId: string; entity: 'resync' };
export type RunEventListener = (event: RunEvent) => void;

const RECONNECT_DELAY_MS = 1_000;

/**
 * One LISTEN connection per gateway process on the run-events channel, fanned out to
 * subscribers by run id (server-sent events, GraphQL subscriptions). Connects on the first
 * subscription; after a lost connection it reconnects and tells every subscriber to `resync`
 * (re-read the state), since notifications sent meanwhile are gone.
 */
@Injectable()
export class RunEventsHub implements OnApplicationShutdown {
  private readonly logger = new Logger(RunEventsHub.name);
  private readonly listeners = new Map<string, Set<RunEventListener>>();
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** Subscribes to a run's events; resolves once the LISTEN is active (no event is missed after). */
  async subscribe(runId: string, listener: RunEventListener): Promise<() => void> {
    let set = this.listeners.get(runId);
    if (!set) this.listeners.set(runId, (set = new Set()));
    set.add(listener);
    try {
      await this.connect();
    } catch (err) {
      this.remove(runId, listener);
      throw err;
    }
    return () => this.remove(runId, listener);
  }

  /** Subscriber count (tests, metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private remove(runId: string, listener: RunEventListener): void {
    const set = this.listeners.get(runId);
    set?.delete(listener);
    if (set?.size === 0) this.listeners.delete(runId);
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      connectionTimeoutMillis: 5_000,
      application_name: 'flowgate-gateway-listen',
      keepAlive: true,
    });
    client.on('notification', (msg) => this.dispatch(msg.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
    this.client = client;
  }

  private lost(client: Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn({ err: err?.message }, 'run-events LISTEN connection lost; reconnecting');
    const retry = () => {
      if (this.closed || this.listeners.size === 0) return;
      this.connect().then(
        () => {
          for (const runId of [...this.listeners.keys()]) this.emit(runId, { runId, entity: 'resync' });
        },
        () => setTimeout(retry, RECONNECT_DELAY_MS).unref(),
      );
    };
    setTimeout(retry, RECONNECT_DELAY_MS).unref();
  }

  private dispatch(payload: string | undefined): void {
    if (!payload) return;
    let event: RunEventNotification;
    try {
      event = JSON.parse(payload) as RunEventNotification;
    } catch {
      return;
    }
    this.emit(event.runId, event);
  }

  private emit(runId: string, event: RunEvent): void {
    for (const listener of [...(this.listeners.get(runId) ?? [])]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.warn({ runId, err: (err as Error).message }, 'run-event listener failed');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
