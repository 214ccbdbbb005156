import { createServer } from 'node:net';

/** A port the stack needs is taken: names the port and the variable that changes it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly variable: string,
    readonly purpose: string,
  ) {
    super(
      `port ${port} (${purpose}) is already in use: stop what is using it, or set ${variable} to a free port`,
    );
    this.name = 'PortInUseError';
  }
}

/** Resolves when nothing listens on host:port; rejects with PortInUseError otherwise. */
export function assertPortFree(
  port: number,
  variable: string,
  purpose: string,
  host = '127.0.0.1',
): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new PortInUseError(port, variable, purpose)
          : err,
      );
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** A free TCP port chosen by the kernel. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
