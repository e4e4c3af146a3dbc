import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port by listening on port 0 and closing again.
 * Another process may grab the port before it is reused, so callers retry on `EADDRINUSE`.
 *
 * @example
 * ```ts
 * const port = await findFreePort();
 * ```
 */
export const findFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    // No host: bind the wildcard address like DynamoDB Local (Jetty) does, so the probe sees the same conflicts.
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('No port assigned')) : resolve(port)));
    });
  });
