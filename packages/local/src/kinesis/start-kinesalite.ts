import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/** A kinesalite server running in this process (in memory). */
export interface Kinesalite {
  /** e.g. `http://127.0.0.1:49321`. */
  readonly endpoint: string;
  /** Closes the server; its streams are gone. */
  stop(): Promise<void>;
}

interface Server {
  listen(port: number, host: string, done: () => void): void;
  address(): AddressInfo;
  close(done: (error?: Error) => void): void;
}

/**
 * Starts kinesalite (an implementation of the Kinesis Data Streams API, in memory) on a free port
 * of 127.0.0.1, in this process: nothing to install, nothing left behind. Streams are created and
 * deleted at once (no `CREATING` delay) and the shard limit is lifted.
 *
 * @example
 * ```ts
 * const kinesalite = await startKinesalite();
 * const client = createKinesisClient(kinesalite.endpoint);
 * await createKinesisStream(client, 'messages');
 * await kinesalite.stop();
 * ```
 */
export async function startKinesalite(): Promise<Kinesalite> {
  // kinesalite is CommonJS without types.
  const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: object) => Server;
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100_000 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
