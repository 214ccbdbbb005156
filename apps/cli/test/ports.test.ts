import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree, freePort, PortInUseError } from '../src/dev/ports';

describe('port checks', () => {
  it('accepts a free port', async () => {
    await expect(assertPortFree(await freePort(), 'PORT', 'gateway')).resolves.toBeUndefined();
  });

  it('names the port, its purpose and the variable when taken', async () => {
    const server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const err = await assertPortFree(port, 'TEMPORAL_PORT', 'Temporal frontend').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toBe(
        `port ${port} (Temporal frontend) is already in use: stop what is using it, or set TEMPORAL_PORT to a free port`,
      );
    } finally {
      server.close();
    }
  });
});
