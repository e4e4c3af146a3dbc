import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  createKinesisClient,
  createKinesisStream,
  type Kinesalite,
  startKinesalite,
} from '@dynamo-es/local/kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisPoller } from '../demo/scenario/kinesis-poller.js';

// The demo's stand-in for Lambda's Kinesis event source mapping: what fraud-watch's handler sees
// depends on it, so its redelivery rules are checked here against kinesalite.
describe('KinesisPoller (the demo stand-in for a Kinesis event source mapping)', () => {
  let kinesalite: Kinesalite;
  beforeAll(async () => {
    kinesalite = await startKinesalite();
  });
  afterAll(async () => {
    await kinesalite?.stop();
  });

  async function streamOf(bodies: readonly string[]) {
    const client = await createKinesisClient(kinesalite.endpoint);
    const streamName = `poller-${Math.random().toString(36).slice(2)}`;
    await createKinesisStream(client, streamName, 1);
    await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: bodies.map((body) => ({ PartitionKey: 'p', Data: Buffer.from(body) })),
      }),
    );
    return { client, streamName };
  }
  const bodiesOf = (event: KinesisStreamEvent) =>
    event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());

  it('reads the shard again from the first record the handler reported failed, as ReportBatchItemFailures does', async () => {
    const { client, streamName } = await streamOf(['a', 'b', 'c', 'd']);
    const seen: string[][] = [];
    let failOnce = true;
    const poller = new KinesisPoller({
      client,
      streamName,
      batchSize: 10,
      pollIntervalMs: 10,
      handler: async (event) => {
        seen.push(bodiesOf(event));
        const c = event.Records.find((r) => Buffer.from(r.kinesis.data, 'base64').toString() === 'c');
        if (failOnce && c) {
          failOnce = false;
          return { batchItemFailures: [{ itemIdentifier: c.kinesis.sequenceNumber }] };
        }
        return { batchItemFailures: [] };
      },
    });
    await poller.start();
    await poller.waitForCaughtUp({ timeoutMs: 10_000 });
    await poller.stop();
    expect(seen).toEqual([
      ['a', 'b', 'c', 'd'],
      ['c', 'd'],
    ]);
    expect(poller.stats()).toMatchObject({ delivered: 6, failed: 1, redelivered: 0, invocations: 2 });
    client.destroy();
  });

  it('delivers every n-th batch twice, and each record as Lambda shapes it', async () => {
    const { client, streamName } = await streamOf(['a', 'b', 'c']);
    const events: KinesisStreamEvent[] = [];
    const poller = new KinesisPoller({
      client,
      streamName,
      batchSize: 1,
      pollIntervalMs: 10,
      redeliverEvery: 2,
      handler: async (event) => {
        events.push(event);
        return { batchItemFailures: [] };
      },
    });
    await poller.start();
    await poller.waitForCaughtUp({ timeoutMs: 10_000 });
    await poller.stop();
    expect(events.map(bodiesOf)).toEqual([['a'], ['b'], ['b'], ['c']]);
    expect(poller.stats()).toMatchObject({ delivered: 4, redelivered: 1, failed: 0 });
    expect(events[0]?.Records[0]).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      kinesis: { partitionKey: 'p', kinesisSchemaVersion: '1.0' },
    });
    client.destroy();
  });
});
