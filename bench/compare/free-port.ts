import { createServer } from 'node:net';

/**
 * A free loopback port. Nest's gRPC server binds to a URL and does not report the port it got,
 * so the bench picks one first (the short race with other binders is acceptable in a bench).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
