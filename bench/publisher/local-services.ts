import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createKinesisClient, createKinesisStream, startKinesalite as start } from '@dynamo-es/local/kinesis';

const require = createRequire(import.meta.url);
/** kinesalite in this process (in memory), and HTTP/1.1 clients for it (`@dynamo-es/local/kinesis`). */
export async function startKinesalite(): Promise<{
  client: KinesisClient;
  newClient(): Promise<KinesisClient>;
  stop(): Promise<void>;
}> {
  const kinesalite = await start();
  const clients: KinesisClient[] = [];
  const newClient = async () => {
    const client = await createKinesisClient(kinesalite.endpoint);
    clients.push(client);
    return client;
  };
  const client = await newClient();
  return {
    client,
    newClient,
    stop: async () => {
      for (const c of clients) c.destroy();
      await kinesalite.stop();
    },
  };
}

export async function createDataStream(client: KinesisClient, name: string): Promise<string> {
  await createKinesisStream(client, name, 4);
  return name;
}

/** s3rver on a temporary directory, and a path-style client with a bucket. */
export async function startS3rver(): Promise<{ client: S3Client; bucket: string; stop(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-s3rver-'));
  const S3rver = require('s3rver') as new (
    o: object,
  ) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = await server.run();
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    maxAttempts: 1,
  });
  const bucket = 'bench-claims';
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    client,
    bucket,
    stop: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Counts requests per command of any SDK v3 client (retries excluded), and request body bytes. */
export function countRequests(client: KinesisClient | S3Client): {
  byCommand(): Record<string, number>;
  bytes(): number;
  reset(): void;
} {
  let counts: Record<string, number> = {};
  let bytes = 0;
  const stack = client.middlewareStack as unknown as {
    add(middleware: unknown, options: { step: string; name: string }): void;
  };
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const command = context.commandName ?? 'Unknown';
        counts[command] = (counts[command] ?? 0) + 1;
        return next(args);
      },
    { step: 'initialize', name: `bench-count-${Math.random()}` },
  );
  stack.add(
    (next: (args: { request: { body?: unknown } }) => Promise<unknown>) =>
      async (args: { request: { body?: unknown } }) => {
        const body = args.request.body;
        if (typeof body === 'string') bytes += Buffer.byteLength(body);
        else if (body instanceof Uint8Array) bytes += body.byteLength;
        return next(args);
      },
    { step: 'finalizeRequest', name: `bench-bytes-${Math.random()}` },
  );
  return {
    byCommand: () => ({ ...counts }),
    bytes: () => bytes,
    reset: () => {
      counts = {};
      bytes = 0;
    },
  };
}
