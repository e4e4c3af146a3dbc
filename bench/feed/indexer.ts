import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing, EventStore, eventTableDefinition } from '@dynamo-es/event-store';
import { createFeedIndexer, createFeedTable, Feed } from '@dynamo-es/feed';
import type { DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import type { BenchContext, BenchTable } from '../types.js';
import { type CostMeter, CostPart, costMeter } from './cost-meter.js';
import { type Item, lambdaBatches, seedEvents, type Workload } from './seed.js';

/** A dataset: its events table, its items in append order, and a feed table to index it into. */
export interface Dataset {
  readonly name: string;
  readonly eventsTable: string;
  readonly feedTable: string;
  readonly items: readonly Item[];
}

export async function dataset(
  context: BenchContext,
  name: string,
  workload: Workload,
  seed: number,
): Promise<Dataset> {
  const suffix = ulid().toLowerCase();
  const eventsTable = `bench-feed-events-${suffix}`;
  const feedTable = `bench-feed-${suffix}`;
  // No stream on the events table: the bench makes the stream records itself, and DynamoDB Local
  // slows down badly as stream-enabled tables accumulate writes (seeding took minutes with one).
  const { StreamSpecification: _stream, ...definition } = eventTableDefinition(eventsTable);
  await createTableIfMissing(context.client, definition);
  await createFeedTable(context.client, { tableName: feedTable });
  const items = await seedEvents(context.client, eventsTable, workload, seed);
  return { name, eventsTable, feedTable, items };
}

/** One indexer instance (a Lambda instance): its clients, metered, and its handler. */
export function indexerInstance(context: BenchContext, data: Dataset) {
  const client = context.newClient();
  const storeClient = context.newClient();
  const tables = { feed: data.feedTable, events: data.eventsTable };
  const meters = [costMeter(client, tables), costMeter(storeClient, tables)];
  const eventStore = new EventStore({ client: storeClient, tableName: data.eventsTable });
  const feed = new Feed({ client, tableName: data.feedTable, eventStore });
  return { feed, meters, index: createFeedIndexer({ feed }) };
}

interface IndexRun {
  readonly name: string;
  readonly events: number;
  readonly seconds: number;
  readonly lambdaBatches: number;
  /** Invocations that reported failures (records delivered again, as Lambda does). */
  readonly redelivered: number;
  readonly meters: readonly CostMeter[];
}

/** Indexes a dataset through `lanes` concurrent indexers (one shard each, records split by stream). */
export async function indexDataset(context: BenchContext, data: Dataset, lanes: number): Promise<IndexRun> {
  const byLane: Item[][] = Array.from({ length: lanes }, () => []);
  for (const item of data.items) byLane[hash(item.s?.S ?? '') % lanes]?.push(item);
  const instances = byLane.map(() => indexerInstance(context, data));
  const batches = byLane.map((items) => lambdaBatches(items));
  const started = performance.now();
  const redelivered = await Promise.all(
    batches.map(async (laneBatches, lane) => {
      let again = 0;
      for (const records of laneBatches) again += await invoke(instances[lane]?.index, records);
      return again;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const head = await (instances[0] as ReturnType<typeof indexerInstance>).feed.headPosition();
  if (head !== data.items.length) throw new Error(`the feed holds ${head} events, not ${data.items.length}`);
  return {
    name: data.name,
    events: data.items.length,
    seconds,
    lambdaBatches: batches.reduce((sum, lane) => sum + lane.length, 0),
    redelivered: redelivered.reduce((sum, n) => sum + n, 0),
    meters: instances.flatMap((instance) => instance.meters),
  };
}

/**
 * One Lambda batch, delivered as the event source mapping does with `ReportBatchItemFailures`:
 * after reported failures (e.g. lost races past `maxAttempts`), the records from the lowest failed
 * one on come again. Returns how many times it had to deliver again.
 */
async function invoke(
  index: ReturnType<typeof createFeedIndexer> | undefined,
  records: DynamoDBRecord[],
): Promise<number> {
  let pending = records;
  for (let again = 0; again < 50; again++) {
    const { batchItemFailures } = await (index as ReturnType<typeof createFeedIndexer>)({ Records: pending });
    if (batchItemFailures.length === 0) return again;
    const lowest = batchItemFailures
      .map((failure) => BigInt(failure.itemIdentifier))
      .sort((a, b) => (a < b ? -1 : 1))[0];
    pending = pending.slice(
      pending.findIndex((record) => BigInt(record.dynamodb?.SequenceNumber ?? 0) === lowest),
    );
  }
  throw new Error('an indexer batch still failed after 50 deliveries');
}

/**
 * The floor: the least an indexer can do to give positions in batches, with no protection at all
 * (no dedup, so duplicates and retries are indexed twice): per Lambda batch, one Query for the last
 * batch and one conditional PutItem of the next, entries as in the feed.
 */
export async function floorIndex(
  client: DynamoDBClient,
  data: Dataset,
): Promise<{ seconds: number; meter: CostMeter }> {
  const meter = costMeter(client, { feed: `${data.feedTable}-floor`, events: data.eventsTable });
  const tableName = data.feedTable;
  const started = performance.now();
  let first = 1_000_000_000;
  for (const records of lambdaBatches(data.items)) {
    const { Items } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'p = :p',
        ExpressionAttributeValues: { ':p': { S: 'floor' } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const last = Items?.[0];
    if (last) first = Number(last.n?.N) + Number(last.c?.N);
    const entries = records.map((record) => [
      record.dynamodb?.NewImage?.s?.S,
      Number(record.dynamodb?.NewImage?.v?.N),
      record.dynamodb?.NewImage?.t?.S,
    ]);
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          p: { S: 'floor' },
          n: { N: String(first) },
          c: { N: String(records.length) },
          b: { S: JSON.stringify(entries) },
        },
        ConditionExpression: 'attribute_not_exists(p)',
      }),
    );
  }
  return { seconds: (performance.now() - started) / 1000, meter };
}

export function indexerRow(
  run: IndexRun,
  floor?: { seconds: number; meter: CostMeter },
): Record<string, string> {
  const sum = (f: (meter: CostMeter) => number) => run.meters.reduce((total, meter) => total + f(meter), 0);
  const perEvent = (value: number) => (value / run.events).toFixed(3);
  const wcu = (part: CostPart) => perEvent(sum((m) => m.wcu(part)));
  const rcu = (part: CostPart) => perEvent(sum((m) => m.rcu(part)));
  const requests = new Map<string, number>();
  for (const meter of run.meters) {
    for (const [command, n] of Object.entries(meter.byCommand()))
      requests.set(command, (requests.get(command) ?? 0) + n);
  }
  return {
    workload: run.name,
    'events/s': (run.events / run.seconds).toFixed(0),
    'floor events/s': floor ? (run.events / floor.seconds).toFixed(0) : '',
    'WCU/event: entries': wcu(CostPart.Entries),
    'dedup state': wcu(CostPart.DedupState),
    'end of feed': wcu(CostPart.EndOfFeed),
    'type index': wcu(CostPart.TypeIndex),
    'lost races': wcu(CostPart.LostRaces),
    'WCU/event total': perEvent(sum((m) => m.wcu())),
    'floor WCU/event': floor ? perEvent(floor.meter.wcu()) : '',
    'RCU/event: dedup state': rcu(CostPart.DedupState),
    'end of feed ': rcu(CostPart.EndOfFeed),
    'gap fills': rcu(CostPart.Events),
    'RCU/event total': perEvent(sum((m) => m.rcu())),
    're-deliveries': String(run.redelivered),
    'requests per Lambda batch': [...requests]
      .map(([command, n]) => `${(n / run.lambdaBatches).toFixed(1)} ${command}`)
      .join(', '),
  };
}

export function indexerTable(rows: Record<string, string>[]): BenchTable {
  return {
    title: 'feed: indexer throughput and capacity per event (Lambda batches of 100 records)',
    rows,
    notes: [
      'Capacity is estimated from the items sent and returned with AWS rounding (DynamoDB Local reports none):',
      'writes ceil(KB), a failed conditional write the size of the item it met; consistent reads ceil(bytes/4 KB),',
      'BatchGetItem per key. "entries": the batch items; "dedup state": the stream states each writer applies',
      '(UpdateItem, 1 WCU per stream per batch) and reads (BatchGetItem, 1 RCU per stream per batch) for the batch',
      'before its own; "type index": one PutItem per type per batch; "end of feed": the Query for the latest batch',
      'and the meta item; "lost races": PutItems of a batch another indexer had written first; "re-deliveries":',
      'Lambda batches delivered again after the indexer reported failures (a lost race past maxAttempts).',
      'The floor: one Query and one PutItem of the entries per Lambda batch, no dedup at all (duplicates and retries',
      'indexed twice): what the entries alone cost.',
    ],
  };
}

function hash(text: string): number {
  let value = 0;
  for (let index = 0; index < text.length; index++)
    value = (Math.imul(value, 31) + text.charCodeAt(index)) >>> 0;
  return value;
}
