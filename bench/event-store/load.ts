import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { decodeEventItem, EventStore } from '@dynamo-es/event-store';
import { meter } from '../meter.js';
import type { BenchTable } from '../types.js';
import {
  accountId,
  type Item,
  medianOf,
  pairedRatio,
  ratio,
  SMALL_TYPE,
  smallData,
  verdict,
} from './fixtures.js';
import { Floor } from './floor.js';
import { microseconds } from './microseconds.js';
import { floorSide, rotate, storeSide, withCpu } from './sides.js';

const EVENTS = 1_000;
const TRIALS = 7;
const LOADS = 20;

/** Every item of a stream as the SDK returns it: the network and SDK part of a load, no decoding. */
async function queryOnly(client: DynamoDBClient, tableName: string, streamId: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 's = :s',
        ExpressionAttributeValues: { ':s': { S: streamId } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Target 2: loading a 1,000-event stream, with where the time goes. */
export async function loadTable(
  clients: { store: DynamoDBClient; floor: DynamoDBClient; lookup: DynamoDBClient },
  tables: { store: string; floor: string },
): Promise<BenchTable> {
  const streamId = accountId(900_001);
  const store = new EventStore({ client: clients.store, tableName: tables.store });
  for (let at = 0; at < EVENTS; at += 100) {
    const events = Array.from({ length: 100 }, (_, i) => ({ type: SMALL_TYPE, data: smallData(at + i) }));
    await store.append(streamId, events, { expectedVersion: at });
  }
  await new Floor(clients.floor, tables.floor).seed(
    Array.from({ length: EVENTS }, (_, i) => Floor.item(streamId, i + 1, SMALL_TYPE, smallData(i))),
  );
  const loaders = {
    store: storeSide(clients.store, tables.store).load,
    floor: floorSide(clients.floor, tables.floor).load,
    // The store's items through the SDK alone: what its larger items cost before any decoding.
    sdkOnly: async (id: string) => (await queryOnly(clients.lookup, tables.store, id)).length,
  };
  const names = ['floor', 'store', 'sdkOnly'] as const;
  for (const name of names) for (let i = 0; i < 3; i++) await loaders[name](streamId); // warm-up
  const meters = { store: meter(clients.store), floor: meter(clients.floor) };
  const trials = await rotate(names, TRIALS, async (name) => {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const { value, ms, cpuMs } = await withCpu(() => loaders[name](streamId));
      if (value !== EVENTS) throw new Error(`${name} loaded ${value} events, expected ${EVENTS}`);
      times.push(ms);
      cpu.push(cpuMs);
    }
    return { ms: medianOf(times), cpuMs: medianOf(cpu) };
  });
  const requests = {
    store: meters.store.requests() / (TRIALS * LOADS),
    floor: meters.floor.requests() / (TRIALS * LOADS),
  };
  for (const m of Object.values(meters)) m.remove();
  const ms = (name: (typeof names)[number]) => medianOf(trials[name].map((trial) => trial.ms));
  const cpuMs = (name: (typeof names)[number]) => medianOf(trials[name].map((trial) => trial.cpuMs));
  const [storeItems, floorItems] = [
    await queryOnly(clients.store, tables.store, streamId),
    await queryOnly(clients.floor, tables.floor, streamId),
  ];
  const decodeMs = (microseconds(() => storeItems.map(decodeEventItem)) / 1000).toFixed(2);
  const parseMs = (
    microseconds(() => floorItems.map((item) => JSON.parse(item.b?.S as string))) / 1000
  ).toFixed(2);
  const info = (target: string, ours: string, theirs: string) => ({
    target,
    'dynamo-es': ours,
    floor: theirs,
    ratio: '',
    'paired ratio': '',
    goal: 'info',
    result: '',
  });
  return {
    title: `Loading a ${EVENTS.toLocaleString('en')}-event stream (target 2)`,
    rows: [
      {
        target: '2. ms per load: store.readStream(id) vs Query + JSON.parse',
        'dynamo-es': ms('store').toFixed(2),
        floor: ms('floor').toFixed(2),
        ratio: ratio(ms('store') / ms('floor')),
        'paired ratio': pairedRatio(
          trials.store.map((trial) => trial.ms),
          trials.floor.map((trial) => trial.ms),
        ),
        goal: '<= 1.15x',
        result: verdict(ms('store') <= 1.15 * ms('floor')),
      },
      {
        target: '2. requests per load',
        'dynamo-es': requests.store.toFixed(2),
        floor: requests.floor.toFixed(2),
        ratio: '',
        goal: 'ceil(bytes / 1 MB) = 1',
        result: verdict(requests.store === 1),
      },
      info('2. diagnosis: client CPU ms per load', cpuMs('store').toFixed(2), cpuMs('floor').toFixed(2)),
      info(
        "2. diagnosis: ms per load of the store's items, SDK only (no decoding)",
        ms('sdkOnly').toFixed(2),
        `${ms('floor').toFixed(2)} (with JSON.parse)`,
      ),
      info(
        '2. diagnosis: in-process ms per 1,000 items: decodeEventItem vs JSON.parse(b)',
        decodeMs,
        parseMs,
      ),
    ],
    notes: [
      `${TRIALS} trials of ${LOADS} loads, rotating which loader goes first; the figure is the median over trials of each`,
      'trial\'s median load; "paired ratio": median and range of the per-round ratios. Same 1,000 small',
      'events in each table. "SDK only": a paginated Query of the store\'s table whose items are not decoded',
      "(the store's items carry an event id and a larger body), in the same rotation.",
      'In-process decoding: decodeEventItem on the 1,000 items the SDK returned, vs JSON.parse of the floor bodies.',
    ],
  };
}
