import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createEventTable, EventStore } from '@dynamo-es/event-store';
import { ulid } from 'ulid';
import { median, meter, pool, rate, readUnits, writeUnits } from './meter.js';
import type { Benchmark, BenchTable } from './types.js';

const payload = (n: number) => ({
  accountId: `acc-${n}`,
  amount: 1250 + n,
  currency: 'EUR',
  note: 'salary for May',
});
const newEvent = (n: number) => ({
  type: 'MoneyDeposited',
  data: payload(n),
  metadata: { correlationId: ulid() },
});

async function costTable(client: DynamoDBClient, tableName: string): Promise<BenchTable> {
  const store = new EventStore({ client, tableName });
  const m = meter(client);
  const rows: BenchTable['rows'] = [];
  const measure = async (operation: string, minimum: string, work: () => Promise<string>) => {
    m.reset();
    const capacity = await work();
    rows.push({
      operation,
      requests: m.requests(),
      commands: Object.entries(m.byCommand())
        .map(([name, n]) => `${n}x ${name.replace('Command', '')}`)
        .join(', '),
      'bytes sent': m.bytesSent(),
      'est. capacity': capacity,
      'physical minimum': minimum,
    });
  };

  const loaded = `bench-${ulid()}`;
  await store.append(loaded, [newEvent(0)], { expectedVersion: 'no-stream' });
  await store.readStream(loaded);
  await measure('append 1 event after a load', '1 request, 1 WCU', async () => {
    const { events } = await store.append(loaded, [newEvent(1)], { expectedVersion: 1 });
    return `${writeUnits(sizeOf(events[0]))} WCU`;
  });
  await measure('append 1 event, expected version never seen here', '1 request, 1 WCU', async () => {
    await new EventStore({ client, tableName }).append(loaded, [newEvent(2)], { expectedVersion: 2 });
    return `${writeUnits(1024, true) * 2} WCU (put + version check, transactional)`;
  });
  await measure('append 10 events', '1 request, 20 WCU', async () => {
    const { events } = await store.append(
      loaded,
      Array.from({ length: 10 }, (_, i) => newEvent(i)),
      {
        expectedVersion: 3,
      },
    );
    return `${events.reduce((sum, e) => sum + writeUnits(sizeOf(e), true), 0)} WCU`;
  });
  const long = `bench-${ulid()}`;
  for (let i = 0; i < 10; i++) {
    await store.append(
      long,
      Array.from({ length: 100 }, (_, j) => newEvent(j)),
      { expectedVersion: i * 100 },
    );
  }
  await measure('read 1,000 events', 'ceil(bytes / 1 MB) = 1 request', async () => {
    const { events } = await new EventStore({ client, tableName }).readStream(long);
    return `${readUnits(events.reduce((sum, e) => sum + sizeOf(e), 0))} RCU (strongly consistent)`;
  });
  m.remove();
  return {
    title: 'event-store: DynamoDB work per operation',
    rows,
    notes: [
      'Requests and bytes are counted by SDK middleware; capacity is estimated from item sizes with AWS rounding',
      '(DynamoDB Local reports no real capacity). An expected version this process has not seen needs a',
      'ConditionCheck on it inside a transaction: that is what rules out gaps without an extra round trip.',
    ],
  };
}

/** Approximate stored size of an event (JSON of its attributes), for capacity estimates. */
const sizeOf = (event: unknown) => Buffer.byteLength(JSON.stringify(event));

async function throughputTable(client: DynamoDBClient, tableName: string): Promise<BenchTable> {
  const appends = 1500;
  const writers = 16;
  const trials = 3;
  const storeRates: number[] = [];
  const rawRates: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    rawRates.push(await rate(appends, () => rawAppends(client, tableName, appends, writers)));
    storeRates.push(await rate(appends, () => storeAppends(client, tableName, appends, writers)));
  }
  const readStream = `bench-${ulid()}`;
  const store = new EventStore({ client, tableName });
  for (let i = 0; i < 10; i++) {
    await store.append(
      readStream,
      Array.from({ length: 100 }, (_, j) => newEvent(j)),
      { expectedVersion: i * 100 },
    );
  }
  const storeReads: number[] = [];
  const rawReads: number[] = [];
  for (let trial = 0; trial < 5; trial++) {
    rawReads.push(await rate(1000, () => rawRead(client, tableName, readStream)));
    storeReads.push(
      await rate(1000, async () => void (await new EventStore({ client, tableName }).readStream(readStream))),
    );
  }
  const row = (operation: string, framework: number, raw: number) => ({
    operation,
    'dynamo-es events/s': framework.toFixed(0),
    'raw SDK events/s': raw.toFixed(0),
    'ratio (dynamo-es / raw)': `${(framework / raw).toFixed(2)}x`,
  });
  return {
    title: 'event-store: throughput against the raw SDK doing the same DynamoDB calls',
    rows: [
      row(`append 1 event x ${appends}, ${writers} writers`, median(storeRates), median(rawRates)),
      row('read a 1,000-event stream', median(storeReads), median(rawReads)),
    ],
    notes: [
      `Median of ${trials} (appends) and 5 (reads) alternating trials on the same DynamoDB Local. The raw SDK`,
      'baseline sends the same conditional PutItem / paginated Query and converts with util-dynamodb.',
    ],
  };
}

async function storeAppends(client: DynamoDBClient, tableName: string, count: number, writers: number) {
  const perWriter = Math.ceil(count / writers);
  await pool(writers, writers, async () => {
    const store = new EventStore({ client, tableName });
    const streamId = `bench-${ulid()}`;
    for (let version = 0; version < perWriter; version++) {
      await store.append(streamId, [newEvent(version)], { expectedVersion: version });
    }
  });
}

async function rawAppends(client: DynamoDBClient, tableName: string, count: number, writers: number) {
  const perWriter = Math.ceil(count / writers);
  await pool(writers, writers, async () => {
    const streamId = `bench-${ulid()}`;
    for (let version = 1; version <= perWriter; version++) {
      const event = newEvent(version);
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall({
            streamId,
            version,
            eventId: ulid(),
            type: event.type,
            data: event.data,
            metadata: event.metadata,
            recordedAt: new Date().toISOString(),
            schemaVersion: 1,
          }),
          ConditionExpression: 'attribute_not_exists(#version)',
          ExpressionAttributeNames: { '#version': 'version' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    }
  });
}

async function rawRead(client: DynamoDBClient, tableName: string, streamId: string) {
  let startKey: QueryCommand['input']['ExclusiveStartKey'];
  const events: unknown[] = [];
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'streamId = :s',
        ExpressionAttributeValues: { ':s': { S: streamId } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) events.push(unmarshall(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

const benchmark: Benchmark = async (context) => {
  const client = context.newClient();
  const tableName = `bench-events-${ulid()}`;
  await createEventTable(client, { tableName });
  return [await costTable(client, tableName), await throughputTable(client, tableName)];
};
export default benchmark;
