import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNonLocalEndpointError } from '../src/index.js';
import {
  createKinesisClient,
  createKinesisStream,
  type Kinesalite,
  startKinesalite,
} from '../src/kinesis/index.js';

describe('@dynamo-es/local/kinesis', () => {
  let kinesalite: Kinesalite;
  beforeAll(async () => {
    kinesalite = await startKinesalite();
  });
  afterAll(async () => {
    await kinesalite?.stop();
  });

  it('starts kinesalite on a local port; the client writes and reads back a record of an active stream', async () => {
    expect(kinesalite.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = await createKinesisClient(kinesalite.endpoint);
    await createKinesisStream(client, 'local-test', 2);
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: 'local-test' }));
    expect(Shards).toHaveLength(2);
    const put = await client.send(
      new PutRecordCommand({ StreamName: 'local-test', PartitionKey: 'a', Data: Buffer.from('hello') }),
    );
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: 'local-test',
        ShardId: put.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const page = await client.send(new GetRecordsCommand({ ShardIterator }));
    expect(page.Records?.map((r) => Buffer.from(r.Data ?? []).toString())).toEqual(['hello']);
    client.destroy();
  });

  it('refuses a client for an endpoint that is not on this machine', async () => {
    await expect(createKinesisClient('https://kinesis.eu-west-1.amazonaws.com')).rejects.toSatisfy(
      isNonLocalEndpointError,
    );
  });
});
