import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient, createKinesisStream, startKinesalite as start } from '@dynamo-es/local/kinesis';
import { uniqueId } from '../../../../test/support/dynamodb.js';

/** A kinesalite (in memory) on a free local port, and a client for it (HTTP/1.1: kinesalite has no HTTP/2). */
export async function startKinesalite(): Promise<{
  endpoint: string;
  client: KinesisClient;
  stop(): Promise<void>;
}> {
  const kinesalite = await start();
  const client = await createKinesisClient(kinesalite.endpoint);
  return {
    endpoint: kinesalite.endpoint,
    client,
    stop: async () => {
      client.destroy();
      await kinesalite.stop();
    },
  };
}

export const kinesisClient = (endpoint: string): Promise<KinesisClient> => createKinesisClient(endpoint);

/** A new data stream of `shards` shards, active. */
export async function createDataStream(client: KinesisClient, shards = 1): Promise<string> {
  const streamName = uniqueId('messages');
  await createKinesisStream(client, streamName, shards);
  return streamName;
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
