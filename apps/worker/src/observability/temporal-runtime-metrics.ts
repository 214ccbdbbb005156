import { createServer } from 'node:net';
import type { TelemetryOptions } from '@temporalio/worker';

/** A free TCP port on the loopback interface, chosen by the kernel. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

/**
 * The Temporal SDK's own metrics (`temporal_*`: task slots, poll and schedule-to-start latencies,
 * sticky cache, workflow/activity task outcomes...). The SDK core serves them itself in the
 * Prometheus format on `bindAddress`; the worker's `/metrics` appends what it serves, so one
 * scrape gets both. By default the address is a free loopback port nobody else needs to know.
 */
export class TemporalRuntimeMetrics {
  constructor(readonly bindAddress: string) {}

  /**
   * `setting`: `off`, a `host:port` to bind (then also scrapeable directly), or undefined for a
   * free loopback port when the worker serves `/metrics`, else nothing.
   */
  static async fromSetting(
    setting: string | undefined,
    workerServesMetrics: boolean,
  ): Promise<TemporalRuntimeMetrics | undefined> {
    if (setting === 'off') return undefined;
    if (setting) return new TemporalRuntimeMetrics(setting);
    if (!workerServesMetrics) return undefined;
    return new TemporalRuntimeMetrics(`127.0.0.1:${await freeLoopbackPort()}`);
  }

  /** For `Runtime.install({ telemetryOptions })`. Core's defaults (names, milliseconds) keep Temporal's dashboards working. */
  telemetryOptions(): TelemetryOptions {
    return { metrics: { prometheus: { bindAddress: this.bindAddress } } };
  }

  /** Where to read them from this process. */
  get url(): string {
    const sep = this.bindAddress.lastIndexOf(':');
    const host = this.bindAddress.slice(0, sep);
    const local = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
    return `http://${local}:${this.bindAddress.slice(sep + 1)}/metrics`;
  }

  /** The exposition text, or a comment saying why there is none (a scrape never fails for it). */
  async scrape(timeoutMs = 2_000): Promise<string> {
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return `# Temporal SDK metrics unavailable: HTTP ${res.status}\n`;
      const text = await res.text();
      return text.endsWith('\n') ? text : `${text}\n`;
    } catch (err) {
      return `# Temporal SDK metrics unavailable: ${(err as Error).message.replace(/\s+/g, ' ')}\n`;
    }
  }
}
