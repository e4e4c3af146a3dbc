import { BatchGetItemCommand, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventStore } from '@dynamo-es/event-store';
import { Feed } from '@dynamo-es/feed';
import { medianOf, pairedRatio, ratio } from '../event-store/fixtures.js';
import { rotate } from '../event-store/sides.js';
import type { BenchContext, BenchTable } from '../types.js';
import { CostPart, costMeter } from './cost-meter.js';
import type { Dataset } from './indexer.js';
import { mapLimit } from './map-limit.js';
import { type Item, RARE_TYPE } from './seed.js';

const ROUNDS = 5;
const PAGE = 500;
const CONCURRENCY = 16;

/**
 * The raw SDK doing the same calls as readAll: Query the epoch's batch items page by page,
 * JSON.parse their entries, and fetch each page's events by key (BatchGetItem of 100, 16 at once,
 * in chunks of 500), JSON.parse of each body. No codec, no checks, no prefetch.
 */
async function rawReadAll(
  client: DynamoDBClient,
  data: Dataset,
  types?: ReadonlySet<string>,
): Promise<number> {
  let count = 0;
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: data.feedTable,
        KeyConditionExpression: 'p = :p AND n >= :n',
        ExpressionAttributeValues: { ':p': { S: 'b#0' }, ':n': { N: '1' } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    const keys: Item[] = [];
    for (const batch of page.Items ?? []) {
      const body = JSON.parse(batch.b?.S as string) as { t: string[]; e: [string, number, number[]][] };
      for (const [streamId, from, indices] of body.e) {
        indices.forEach((index, offset) => {
          if (!types || types.has(body.t[index] as string))
            keys.push({ s: { S: streamId }, v: { N: String(from + offset) } });
        });
      }
    }
    for (let at = 0; at < keys.length; at += PAGE) {
      const chunk = keys.slice(at, at + PAGE);
      const parts = Array.from({ length: Math.ceil(chunk.length / 100) }, (_, i) =>
        chunk.slice(i * 100, i * 100 + 100),
      );
      const items = await mapLimit(parts, CONCURRENCY, async (Keys) => {
        const output = await client.send(
          new BatchGetItemCommand({ RequestItems: { [data.eventsTable]: { Keys, ConsistentRead: true } } }),
        );
        return output.Responses?.[data.eventsTable] ?? [];
      });
      for (const item of items.flat()) {
        JSON.parse(item.b?.S as string);
        count++;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

export async function readAllTables(context: BenchContext, data: Dataset): Promise<BenchTable[]> {
  const clients = { feed: context.newClient(), raw: context.newClient() };
  const tables = { feed: data.feedTable, events: data.eventsTable };
  const store = new EventStore({ client: clients.feed, tableName: data.eventsTable });
  const feed = new Feed({ client: clients.feed, tableName: data.feedTable, eventStore: store });
  const sides = {
    feed: async () => {
      let count = 0;
      for await (const page of feed.readPages({ pageSize: PAGE })) count += page.items.length;
      return count;
    },
    raw: () => rawReadAll(clients.raw, data),
  };
  for (const side of ['feed', 'raw'] as const) await sides[side](); // warm-up
  const meters = { feed: costMeter(clients.feed, tables), raw: costMeter(clients.raw, tables) };
  const trials = await rotate(['feed', 'raw'] as const, ROUNDS, async (side) => {
    const started = performance.now();
    const count = await sides[side]();
    if (count !== data.items.length)
      throw new Error(`${side} read ${count} events, not ${data.items.length}`);
    return count / ((performance.now() - started) / 1000);
  });
  const perThousand = (side: 'feed' | 'raw') =>
    ((meters[side].requests() / ROUNDS / data.items.length) * 1000).toFixed(1);
  const rcu = (side: 'feed' | 'raw') => (meters[side].rcu() / ROUNDS / data.items.length).toFixed(3);
  const [ours, theirs] = [medianOf(trials.feed), medianOf(trials.raw)];
  const readAll: BenchTable = {
    title: `feed: readAll of ${data.items.length.toLocaleString('en')} events (${data.name}) vs the raw SDK doing the same calls`,
    rows: [
      {
        side: 'feed.readPages({ pageSize: 500 })',
        'events/s': ours.toFixed(0),
        'requests per 1,000 events': perThousand('feed'),
        'RCU/event (batches + events)': `${rcu('feed')} (${(meters.feed.rcu(CostPart.Batches) / ROUNDS / data.items.length).toFixed(3)} + ${(meters.feed.rcu(CostPart.Events) / ROUNDS / data.items.length).toFixed(3)})`,
        ratio: ratio(ours / theirs),
        'paired ratio': pairedRatio(trials.feed, trials.raw),
      },
      {
        side: 'raw SDK: Query + JSON.parse, BatchGetItem + JSON.parse',
        'events/s': theirs.toFixed(0),
        'requests per 1,000 events': perThousand('raw'),
        'RCU/event (batches + events)': rcu('raw'),
        ratio: '1.00x',
        'paired ratio': '',
      },
    ],
    notes: [
      `${ROUNDS} rounds, rotating which side goes first; median events/s. Both read consistently, fetch by key 100`,
      `at a time (${CONCURRENCY} requests in flight) in pages of ${PAGE} events. The feed also decodes each event with the`,
      "store's codec, upcasts it, checks its type against the entry, keeps position order, and fetches the next page",
      'while the caller handles the current one.',
    ],
  };
  for (const meter of Object.values(meters)) meter.remove();
  return [readAll, await byTypeTable(context, data, feed)];
}

async function byTypeTable(context: BenchContext, data: Dataset, feed: Feed): Promise<BenchTable> {
  const client = context.newClient();
  const meter = costMeter(client, { feed: data.feedTable, events: data.eventsTable });
  const store = new EventStore({ client, tableName: data.eventsTable });
  const metered = new Feed({ client, tableName: data.feedTable, eventStore: store });
  const rare = data.items.filter((item) => item.t?.S === RARE_TYPE).length;
  const measure = async (work: () => Promise<number>) => {
    meter.reset();
    const started = performance.now();
    const results = await work();
    return { results, ms: performance.now() - started, requests: meter.requests(), rcu: meter.rcu() };
  };
  const events = await measure(async () => {
    let n = 0;
    for await (const _ of metered.readAll({ filter: { types: [RARE_TYPE] } })) n++;
    return n;
  });
  const entries = await measure(async () => {
    let n = 0;
    for await (const _ of metered.readEntries({ filter: { types: [RARE_TYPE] } })) n++;
    return n;
  });
  const batches = await measure(async () => {
    let n = 0;
    for await (const entry of metered.readEntries()) if (entry.type === RARE_TYPE) n++;
    return n;
  });
  const scan = await measure(() => scanForType(client, data.eventsTable));
  meter.remove();
  void feed;
  const row = (way: string, m: typeof events) => ({
    way,
    results: m.results,
    requests: m.requests,
    'requests per result': (m.requests / m.results).toFixed(3),
    'RCU per result': (m.rcu / m.results).toFixed(2),
    ms: m.ms.toFixed(0),
  });
  const counts = [events, entries, batches, scan].map((m) => m.results);
  if (counts.some((count) => count !== rare)) {
    throw new Error(`events by type found ${counts.join('/')}, not ${rare}`);
  }
  return {
    title: `feed: events of a type that is 1% of ${data.items.length.toLocaleString('en')} events, in global order`,
    rows: [
      row('feed.readAll({ filter: { types } }): type index, then only the matches by key', events),
      row('feed.readEntries({ filter: { types } }): positions only, no event read', entries),
      row(
        'feed.readEntries() filtered in memory: every batch (what a feed without a type index reads)',
        batches,
      ),
      row('without a feed: Scan of the events table, filtered by type (no order across streams)', scan),
    ],
    notes: [
      'Requests and RCU (consistent reads) counted by SDK middleware. A type filter reads the type index: per epoch,',
      "that type's index items only (a few bytes per matching event), plus the latest batch; then only the matching",
      'events by key. Reading every batch costs about 1 RCU per 130 events of any type; the scan reads every event',
      'item whole.',
    ],
  };
}

async function scanForType(client: DynamoDBClient, tableName: string): Promise<number> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  let found = 0;
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    found += (page.Items ?? []).filter((item) => item.t?.S === RARE_TYPE).length;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}
