import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore, isConcurrencyError, itemBytes } from '@dynamo-es/event-store';
import { monotonicFactory } from 'ulid';
import { writeUnits } from '../meter.js';
import type { BenchTable } from '../types.js';
import { accountId, type Item, ratio, ruleItemBytes, SMALL_TYPE, smallData, verdict } from './fixtures.js';
import { Floor } from './floor.js';
import { type Probed, probe } from './probe.js';

const ulid = monotonicFactory();
const small = (n: number, metadata = false) => ({
  type: SMALL_TYPE,
  data: smallData(n),
  ...(metadata ? { metadata: { correlationId: ulid() } } : {}),
});

interface Setup {
  readonly clients: { store: DynamoDBClient; floor: DynamoDBClient; lookup: DynamoDBClient };
  readonly tables: { store: string; floor: string };
}

const mean = (items: readonly Item[]) => items.reduce((sum, item) => sum + itemBytes(item), 0) / items.length;

/** Target 3: bytes of the Items actually put, by SDK middleware, for the store and the floor. */
export async function bytesTable({ clients, tables }: Setup): Promise<BenchTable> {
  const store = new EventStore({ client: clients.store, tableName: tables.store });
  const floor = new Floor(clients.floor, tables.floor);
  const storeProbe = probe(clients.store, clients.lookup);
  const floorProbe = probe(clients.floor, clients.lookup);
  const streams = 20;
  const perStream = 10;
  const measure = async (first: number, metadata: boolean) => {
    const ours = await storeProbe.run(async () => {
      for (let s = first; s < first + streams; s++) {
        for (let v = 0; v < perStream; v++)
          await store.append(accountId(s), [small(v, metadata)], { expectedVersion: v });
      }
    });
    const theirs = await floorProbe.run(async () => {
      for (let s = first; s < first + streams; s++) {
        for (let v = 0; v < perStream; v++) {
          const event = small(v, metadata);
          await floor.put(Floor.item(accountId(s), v + 1, event.type, event.data, event.metadata));
        }
      }
    });
    return { ours, theirs };
  };
  const plain = await measure(100, false);
  const withMetadata = await measure(200, true);
  storeProbe.remove();
  floorProbe.remove();
  const all = [plain, withMetadata].flatMap(({ ours, theirs }) => [...ours.itemsSent, ...theirs.itemsSent]);
  const disagree = all.filter((item) => itemBytes(item) !== ruleItemBytes(item)).length;
  const row = (target: string, { ours, theirs }: typeof plain, goal?: number) => {
    const [a, b] = [mean(ours.itemsSent), mean(theirs.itemsSent)];
    return {
      target,
      'dynamo-es bytes': a.toFixed(1),
      'floor bytes': b.toFixed(1),
      ratio: ratio(a / b),
      'WCU each (both)': `${writeUnits(a)} / ${writeUnits(b)}`,
      goal: goal === undefined ? 'info' : `<= ${goal.toFixed(2)}x`,
      result: goal === undefined ? '' : verdict(a / b <= goal),
      requests: `${ours.requests} / ${theirs.requests} PutItem`,
    };
  };
  const example = (items: readonly Item[]) =>
    JSON.stringify(items[0], (_, v) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v));
  return {
    title: 'Bytes per stored small event (target 3)',
    rows: [
      row('3. small event { amount, note, at }, no metadata', plain, 1.3),
      row('3. the same with metadata { correlationId: <ulid> }', withMetadata),
    ],
    notes: [
      `Mean of the ${streams * perStream} Items each side actually sent (args.input.Item of every PutItem, captured by SDK`,
      `middleware), versions 1-${perStream} of ${streams} streams named like account-000042, sized with itemBytes.`,
      `itemBytes vs an independent implementation of DynamoDB's size rules: ${all.length - disagree} of ${all.length} items agree.`,
      `dynamo-es item: ${example(plain.ours.itemsSent)}`,
      `floor item:     ${example(plain.theirs.itemsSent)}`,
      `with metadata:  ${example(withMetadata.ours.itemsSent)}`,
      `floor with it:  ${example(withMetadata.theirs.itemsSent)}`,
    ],
  };
}

/** Target 4: requests, bytes and capacity of each operation, next to the floor's where it has one. */
export async function capacityTable({ clients, tables }: Setup): Promise<BenchTable> {
  const store = new EventStore({ client: clients.store, tableName: tables.store });
  const other = new EventStore({ client: clients.lookup, tableName: tables.store });
  const floor = new Floor(clients.floor, tables.floor);
  const ours = probe(clients.store, clients.lookup);
  const theirs = probe(clients.floor, clients.lookup);
  const rows: BenchTable['rows'] = [];
  const cost = (p: Probed<unknown>) =>
    [p.wcu ? `${p.wcu} WCU` : '', p.rcu ? `${p.rcu} RCU` : ''].filter(Boolean).join(' ');
  const add = (
    operation: string,
    p: Probed<unknown>,
    f: Probed<unknown> | string,
    goal: string,
    met: boolean,
  ) =>
    rows.push({
      operation,
      requests: `${p.requests}: ${p.commands}`,
      'items read': p.itemsRead,
      'bytes sent': p.bytesSent,
      capacity: cost(p),
      floor: typeof f === 'string' ? f : `${f.requests} req, ${cost(f)}, ${f.bytesSent} B sent`,
      goal,
      result: verdict(met),
    });

  const id = accountId(300);
  await store.append(id, [small(0)], { expectedVersion: 'no-stream' });
  await floor.put(Floor.item(id, 1, SMALL_TYPE, smallData(0)));
  const head = await ours.run(() => store.streamVersion(id));
  const floorHead = await theirs.run(() => floor.head(id));
  add(
    'head: store.streamVersion(id)',
    head,
    floorHead,
    '1 request, 1 RCU',
    head.requests === 1 && head.rcu === 1,
  );

  await store.readStream(id);
  const afterLoad = await ours.run(() => store.append(id, [small(1)], { expectedVersion: 1 }));
  const floorPut = await theirs.run(() => floor.put(Floor.item(id, 2, SMALL_TYPE, smallData(1))));
  add(
    'append 1 event after a load',
    afterLoad,
    floorPut,
    '1 PutItem, 1 WCU',
    afterLoad.commands === '1x PutItem' && afterLoad.wcu === 1,
  );

  const unseen = await ours.run(() =>
    new EventStore({ client: clients.store, tableName: tables.store }).append(id, [small(2)], {
      expectedVersion: 2,
    }),
  );
  add(
    'append 1 event, stream never seen by this process',
    unseen,
    'no gap proof: 1 PutItem, 1 WCU',
    '1 TransactWriteItems + ConditionCheck, 4 WCU',
    unseen.commands === '1x TransactWriteItems (1 ConditionCheck)' && unseen.wcu === 4,
  );

  await store.readStream(id);
  const ten = await ours.run(() =>
    store.append(
      id,
      Array.from({ length: 10 }, (_, i) => small(i)),
      { expectedVersion: 3 },
    ),
  );
  let tenFloor = 0;
  for (let i = 0; i < 10; i++)
    tenFloor += writeUnits(itemBytes(Floor.item(id, 4 + i, SMALL_TYPE, smallData(i))), true);
  add(
    'append 10 events',
    ten,
    `1 TransactWriteItems, ${tenFloor} WCU (computed)`,
    '1 request, 20 WCU',
    ten.requests === 1 && ten.wcu === 20,
  );

  // Another process appends version 14 after this store saw 13: a real conflict.
  await other.append(id, [small(14)], { expectedVersion: 13 });
  const conflict = await ours.run(async () => {
    try {
      await store.append(id, [small(15)], { expectedVersion: 13 });
      return 'no conflict';
    } catch (error) {
      if (!isConcurrencyError(error)) throw error;
      return `actualVersion ${error.actualVersion}`;
    }
  });
  await floor.put(Floor.item(id, 3, SMALL_TYPE, smallData(2)));
  const floorConflict = await theirs.run(() => floor.put(Floor.item(id, 3, SMALL_TYPE, smallData(3))));
  add(
    `conflicting append (reports ${conflict.value})`,
    conflict,
    floorConflict,
    '1 request, actualVersion 14',
    conflict.requests === 1 && conflict.value === 'actualVersion 14',
  );

  const long = accountId(301);
  for (let at = 0; at < 1000; at += 100) {
    await other.append(
      long,
      Array.from({ length: 100 }, (_, i) => small(at + i)),
      { expectedVersion: at },
    );
  }
  await floor.seed(Array.from({ length: 1000 }, (_, i) => Floor.item(long, i + 1, SMALL_TYPE, smallData(i))));
  const read = await ours.run(() => store.readStream(long));
  const floorRead = await theirs.run(() => floor.load(long));
  add(
    'read 1,000 events: store.readStream(id)',
    read,
    floorRead,
    'ceil(bytes / 1 MB) = 1 request',
    read.requests === 1 && read.value.events.length === 1000,
  );

  const limited = await ours.run(async () => {
    const events = [];
    for await (const event of store.read(long, { limit: 5 })) events.push(event);
    return events.length;
  });
  const floorLimited = await theirs.run(() => floor.load(long, 5));
  add(
    'store.read(id, { limit: 5 })',
    limited,
    floorLimited,
    '1 request, 5 items fetched',
    limited.requests === 1 && limited.itemsRead === 5 && limited.value === 5,
  );
  ours.remove();
  theirs.remove();
  return {
    title: 'DynamoDB work and estimated capacity per operation (target 4)',
    rows,
    notes: [
      'Requests, items and HTTP body bytes counted by SDK middleware; capacity estimated from the sizes of the items',
      'actually sent and returned (itemBytes) with AWS rounding: ceil(KB) WCU per item written, twice that in a',
      'transaction (ConditionCheck items included, sized by reading the checked item); a failed conditional',
      'PutItem bills the size of the item it found (at least 1 WCU); a Query ceil(sum of item bytes / 4 KB) RCU,',
      'at least 1, half when eventually consistent. DynamoDB Local reports no capacity of its own.',
    ],
  };
}
