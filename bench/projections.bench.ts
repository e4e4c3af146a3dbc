import { type DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  createEventTable,
  decodeEventItem,
  type EventItem,
  EventStore,
  encodeEventItem,
  type StoredEvent,
} from '@dynamo-es/event-store';
import {
  createReadModelTable,
  createStreamHandler,
  defineProjection,
  type ProjectionStreamHandler,
  rebuildProjection,
} from '@dynamo-es/projections';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { median, meter, pool } from './meter.js';
import type { Benchmark, BenchTable } from './types.js';

type Deposited = {
  readonly type: 'Deposited';
  readonly data: { readonly amount: number; readonly note: string };
};
type Balance = { readonly balance: number; readonly deposits: number };

const BATCHES = 10;
const TRIALS = 3;
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 100_000);
const REBUILD_STREAMS = Math.max(1, Math.ceil(REBUILD_EVENTS / 100));
const silent = { warn: () => {}, error: () => {} };

/** One balance document per stream: the same work as the hand-written baseline. */
const balances = (prefetch: boolean) =>
  defineProjection<Deposited, Balance>({
    name: `bench-balances-${ulid().toLowerCase()}`,
    ...(prefetch ? { prefetch: (event) => event.streamId } : {}),
    handlers: {
      Deposited: async (event, ctx) => {
        await ctx.update(event.streamId, (doc = { balance: 0, deposits: 0 }) => ({
          balance: doc.balance + event.data.amount,
          deposits: doc.deposits + 1,
        }));
      },
    },
  });

/**
 * The hand-written handler the framework is compared with: for each record, one GetItem and one
 * PutItem of the stream's document, in order. No checkpoint, so no protection against duplicates,
 * reordering or concurrent invocations: the cheapest correct-looking thing one would write.
 */
function plainHandler(client: DynamoDBClient, tableName: string) {
  return async (event: { Records: DynamoDBRecord[] }) => {
    for (const record of event.Records) {
      const stored = decodeEventItem(record.dynamodb?.NewImage as EventItem) as StoredEvent<Deposited>;
      const Key = { pk: { S: `plain#${stored.streamId}` }, sk: { S: 'doc' } };
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key, ConsistentRead: true }),
      );
      const balance = Number(Item?.balance?.N ?? 0) + stored.data.amount;
      const deposits = Number(Item?.deposits?.N ?? 0) + 1;
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { ...Key, balance: { N: String(balance) }, deposits: { N: String(deposits) } },
        }),
      );
    }
    return { batchItemFailures: [] };
  };
}

let sequence = 10n ** 20n;
function toRecord(event: StoredEvent, tableName: string): DynamoDBRecord {
  sequence += 1n;
  const image = encodeEventItem(event).item as Record<string, AttributeValue>;
  return {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    eventSourceARN: `arn:aws:dynamodb:local:000000000000:table/${tableName}/stream/bench`,
    dynamodb: {
      Keys: { streamId: image.streamId!, version: image.version! },
      NewImage: image,
      SequenceNumber: String(sequence),
    },
  };
}

/** Appends `batches` batches of 100 deposits spread over `streams` streams; returns their records. */
async function seedBatches(
  store: EventStore<Deposited>,
  streams: number,
  batches: number,
): Promise<DynamoDBRecord[][]> {
  const ids = Array.from({ length: streams }, () => `bench-${ulid()}`);
  const perStream = 100 / streams;
  const result: DynamoDBRecord[][] = [];
  for (let batch = 0; batch < batches; batch++) {
    const records: DynamoDBRecord[] = [];
    await pool(streams, 10, async (index) => {
      const events = Array.from({ length: perStream }, (_, n) => ({
        type: 'Deposited' as const,
        data: { amount: n + 1, note: 'salary for the month of March' },
      }));
      const appended = await store.append(ids[index]!, events, { expectedVersion: batch * perStream });
      records.push(...appended.events.map((event) => toRecord(event, store.tableName)));
    });
    result.push(records);
  }
  return result;
}

interface Run {
  readonly seconds: number;
  readonly requests: Record<string, number>;
  readonly itemsWritten: number;
}

/** Feeds the batches to a handler on a metered client; counts requests and items written. */
async function run(
  client: DynamoDBClient,
  handler: ProjectionStreamHandler,
  batches: DynamoDBRecord[][],
): Promise<Run> {
  const m = meter(client);
  const started = performance.now();
  for (const records of batches) {
    const response = await handler({ Records: records });
    if (response.batchItemFailures.length > 0) throw new Error('the benchmark batch failed');
  }
  const seconds = (performance.now() - started) / 1000;
  const requests = m.byCommand();
  const itemsWritten = m.itemsWritten();
  m.remove();
  return { seconds, requests, itemsWritten };
}

const perBatch = (value: number) => (value / BATCHES).toFixed(1);
const describeRequests = (requests: Record<string, number>) =>
  Object.entries(requests)
    .map(([command, n]) => `${perBatch(n)} ${command.replace('Command', '')}`)
    .join(', ');

async function liveTable(context: Parameters<Benchmark>[0]): Promise<BenchTable> {
  const suffix = ulid().toLowerCase();
  const eventsTable = `bench-projection-events-${suffix}`;
  const readModelTable = `bench-projection-read-models-${suffix}`;
  await createEventTable(context.client, { tableName: eventsTable });
  await createReadModelTable(context.client, { tableName: readModelTable });
  const store = new EventStore<Deposited>({ client: context.client, tableName: eventsTable });
  const rows: BenchTable['rows'] = [];
  for (const streams of [100, 5]) {
    for (const prefetch of [true, false]) {
      const measured = context.newClient();
      const handler = createStreamHandler({
        projections: [balances(prefetch)],
        client: measured,
        eventStore: new EventStore<Deposited>({ client: measured, tableName: eventsTable }),
        readModelTable,
        logger: silent,
      });
      const plain = plainHandler(measured, readModelTable);
      // Warm-up (connections, the version registry read of a cold start), then alternating trials.
      await handler({ Records: (await seedBatches(store, streams, 1))[0]! });
      const ours: Run[] = [];
      const theirs: Run[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const batches = await seedBatches(store, streams, BATCHES);
        theirs.push(await run(measured, plain, batches));
        ours.push(await run(measured, handler, batches));
      }
      const rate = (runs: Run[]) => median(runs.map((r) => (BATCHES * 100) / r.seconds));
      const last = ours.at(-1)!;
      const baseline = theirs.at(-1)!;
      rows.push({
        batch: `100 events on ${streams} streams${prefetch ? ', prefetch hint' : ''}`,
        'dynamo-es records/s': rate(ours).toFixed(0),
        'plain handler records/s': rate(theirs).toFixed(0),
        'ratio (dynamo-es / plain)': `${(rate(ours) / rate(theirs)).toFixed(2)}x`,
        'dynamo-es requests per batch': describeRequests(last.requests),
        'dynamo-es items written per batch': perBatch(last.itemsWritten),
        'plain items written per batch': perBatch(baseline.itemsWritten),
      });
    }
  }
  return {
    title: 'projections: live handler, batches of 100 records',
    rows,
    notes: [
      `Median of ${TRIALS} alternating trials of ${BATCHES} batches each, same DynamoDB Local, same documents.`,
      'dynamo-es: exactly-once per stream (checkpoint items written in the same transaction as the documents,',
      'conditioned on revisions), one write per document per batch. Items in a transaction bill 2 WCU per KB.',
      'plain: one GetItem and one PutItem per record, no checkpoint: duplicates and retries apply twice.',
    ],
  };
}

/** Seeds `count` events straight into a table with BatchWriteItem of encoded items (fast). */
async function seedRebuild(store: EventStore<Deposited>, count: number): Promise<void> {
  const items = Array.from({ length: count }, (_, n) => {
    const stream = n % REBUILD_STREAMS;
    const event: StoredEvent<Deposited> = {
      streamId: `rebuild-${stream}`,
      version: Math.floor(n / REBUILD_STREAMS) + 1,
      eventId: ulid(),
      type: 'Deposited',
      data: { amount: 1 + (n % 50), note: 'salary for the month of March' },
      metadata: {},
      recordedAt: new Date().toISOString(),
      schemaVersion: 1,
    };
    return encodeEventItem(event).item;
  });
  const { BatchWriteItemCommand } = await import('@aws-sdk/client-dynamodb');
  await pool(Math.ceil(items.length / 25), 16, async (index) => {
    let pending = items.slice(index * 25, index * 25 + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const output = await store.client.send(
        new BatchWriteItemCommand({ RequestItems: { [store.tableName]: pending } }),
      );
      pending = (output.UnprocessedItems?.[store.tableName] as typeof pending | undefined) ?? [];
    }
  });
}

/** A raw parallel scan that only decodes: the ceiling a rebuild's throughput is bounded by. */
async function rawScan(client: DynamoDBClient, tableName: string, segments: number): Promise<number> {
  let events = 0;
  await pool(segments, segments, async (Segment) => {
    let ExclusiveStartKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const output = await client.send(
        new ScanCommand({
          TableName: tableName,
          Segment,
          TotalSegments: segments,
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of output.Items ?? []) if (decodeEventItem(item)) events++;
      ExclusiveStartKey = output.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  });
  return events;
}

async function rebuildTable(context: Parameters<Benchmark>[0]): Promise<BenchTable> {
  const suffix = ulid().toLowerCase();
  const eventsTable = `bench-rebuild-events-${suffix}`;
  const readModelTable = `bench-rebuild-read-models-${suffix}`;
  await createEventTable(context.client, { tableName: eventsTable });
  await createReadModelTable(context.client, { tableName: readModelTable });
  const store = new EventStore<Deposited>({ client: context.client, tableName: eventsTable });
  await seedRebuild(store, REBUILD_EVENTS);
  const rows: BenchTable['rows'] = [];
  for (const segments of [1, 4]) {
    const measured = context.newClient();
    const m = meter(measured);
    const result = await rebuildProjection({
      projection: balances(false),
      eventStore: new EventStore<Deposited>({ client: measured, tableName: eventsTable }),
      client: measured,
      readModelTable,
      segments,
    });
    const requests = m.byCommand();
    m.remove();
    const started = performance.now();
    const scanned = await rawScan(measured, eventsTable, segments);
    const scanSeconds = (performance.now() - started) / 1000;
    rows.push({
      rebuild: `${result.events.toLocaleString('en')} events, ${result.streams.toLocaleString('en')} streams, ${segments} segment(s)`,
      'events/s': (result.events / (result.durationMs / 1000)).toFixed(0),
      'raw scan + decode events/s': (scanned / scanSeconds).toFixed(0),
      'documents written': result.documentsWritten,
      requests: Object.entries(requests)
        .map(([command, n]) => `${n} ${command.replace('Command', '')}`)
        .join(', '),
    });
  }
  return {
    title: 'projections: rebuild throughput',
    rows,
    notes: [
      `Seeded with BatchWriteItem of encoded event items (${REBUILD_EVENTS} events; BENCH_REBUILD_EVENTS to change).`,
      'Rebuild: parallel consistent Scan, per-stream version order, handlers over an in-memory read model,',
      'BatchWriteItem flushes. The raw scan column only scans and decodes: the ceiling of a rebuild.',
    ],
  };
}

const projectionsBenchmark: Benchmark = async (context) => [
  await liveTable(context),
  await rebuildTable(context),
];

export default projectionsBenchmark;
