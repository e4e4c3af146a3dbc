import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { uniqueId } from '../../../../test/support/dynamodb.js';

interface Server {
  listen(port: number, host: string, done: () => void): void;
  address(): AddressInfo;
  close(done: (error?: Error) => void): void;
}

const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: object) => Server;

/** A kinesalite (in memory) on a free local port, and a client for it (HTTP/1.1: kinesalite has no HTTP/2). */
export async function startKinesalite(): Promise<{
  endpoint: string;
  client: KinesisClient;
  stop(): Promise<void>;
}> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100_000 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const client = kinesisClient(endpoint);
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

export const kinesisClient = (endpoint: string): KinesisClient =>
  new KinesisClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });

/** A new data stream of `shards` shards, active. */
export async function createDataStream(client: KinesisClient, shards = 1): Promise<string> {
  const streamName = uniqueId('messages');
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (let attempt = 0; attempt < 50; attempt++) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return streamName;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`stream ${streamName} never became active`);
}

/** A record as read back: its partition key and data. */
export interface ReadRecord {
  readonly partitionKey: string;
  readonly data: string;
  readonly shardId: string;
}

/** Every record of the stream, shard by shard, in each shard's order. */
export async function readDataStream(client: KinesisClient, streamName: string): Promise<ReadRecord[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const records: ReadRecord[] = [];
  for (const shard of Shards) {
    const shardId = shard.ShardId ?? '';
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        records.push({
          partitionKey: record.PartitionKey ?? '',
          data: Buffer.from(record.Data ?? []).toString('utf8'),
          shardId,
        });
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
