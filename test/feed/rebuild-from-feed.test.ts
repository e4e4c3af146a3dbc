import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventStore, isCorruptEventError, type NewEventOf } from '@dynamo-es/event-store';
import { type Feed, isUndecodableFeedEvent, RANGE_READ_MIN, rebuildFeed } from '@dynamo-es/feed';
import {
  createReadModelTable,
  isInvalidProjectionError,
  projectInMemory,
  ReadModels,
} from '@dynamo-es/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedTables, indexStreams } from '../../packages/feed/test/support/tables.js';
import {
  type BankDoc,
  type BankEvent,
  bankProjection,
  silentLogger,
  storedEvents,
} from '../../packages/projections/test/support/bank.js';
import { random } from '../../packages/projections/test/support/faults.js';
import { createTestClient, uniqueId } from '../support/dynamodb.js';
import { countRequests } from '../support/request-counter.js';

// The feed and projections know nothing of each other: a rebuild takes any ordered source, and a
// Feed is one as it is. Here both sides run against DynamoDB Local together.

let tables: Awaited<ReturnType<typeof feedTables>>;
let store: EventStore<BankEvent>;
let feed: Feed;
const readModelTable = uniqueId('read-models');
const readClient = createTestClient();
const streamIds: string[] = [];
const name = uniqueId('accounts');

function randomEvent(rand: () => number): NewEventOf<BankEvent> {
  const roll = rand();
  const amount = 1 + Math.floor(rand() * 100);
  if (roll < 0.35) return { type: 'MoneyDeposited', data: { amount } };
  if (roll < 0.5) return { type: 'MoneyWithdrawn', data: { amount } };
  return { type: 'NoteAdded', data: { text: 'a note the projection does not handle' } };
}

beforeAll(async () => {
  tables = await feedTables();
  store = new EventStore<BankEvent>({ client: tables.client, tableName: tables.eventsTable });
  await createReadModelTable(readClient, { tableName: readModelTable });
  const rand = random(7);
  for (let index = 0; index < 12; index++) {
    const streamId = `bank/account-${index}`;
    streamIds.push(streamId);
    const events: NewEventOf<BankEvent>[] = [{ type: 'AccountOpened', data: { owner: `owner-${index}` } }];
    for (let n = 3 + Math.floor(rand() * 12); n > 0; n--) events.push(randomEvent(rand));
    for (const event of events) await store.append(streamId, [event], { expectedVersion: 'any' });
  }
  feed = tables.newFeed({ maxEventsPerBatch: 7 });
  await indexStreams(tables, feed, streamIds, 10);
});
afterAll(() => {
  tables.destroy();
  readClient.destroy();
});

const readModels = () =>
  new ReadModels({ client: readClient, eventStore: store, tableName: readModelTable, logger: silentLogger });
const documents = (version: number) =>
  readModels().reader<BankDoc>({ name, version }, { pinned: true }).list();

describe('rebuilding a projection from the feed', () => {
  it('builds the same read models as the scan, reading only the events of the types it handles', async () => {
    const all = await storedEvents(store, streamIds);
    const expected = projectInMemory(bankProjection({ name }), all);
    const scanned = await readModels().rebuild(bankProjection({ name, version: 1 }));
    const events = countRequests(tables.store.client);
    const fromFeed = await readModels().rebuild(bankProjection({ name, version: 2 }), { source: feed });
    expect(fromFeed).toMatchObject({ version: 2, ready: true, deadLetters: 0, streams: streamIds.length });
    expect(await documents(2)).toEqual(await documents(1));
    expect(await documents(2)).toEqual(await expected);
    // Events by key through the store's client, never a scan; the notes (half the events) unread.
    expect(Object.keys(events.byCommand()).sort()).toEqual(['BatchGetItemCommand']);
    expect(scanned.events).toBe(all.length);
    events.remove();
  });

  it('resumes from the feed position it saved when it was stopped', async () => {
    const stop = new AbortController();
    let pages = 0;
    const projection = bankProjection({ name, version: 3 });
    await expect(
      readModels().rebuild(projection, {
        source: { readPages: (options) => stopAfter(feed.readPages({ ...options, pageSize: 5 }), 2, stop) },
        flushEvery: 1,
        signal: stop.signal,
        onProgress: () => pages++,
      }),
    ).rejects.toMatchObject({ name: 'RebuildInterruptedError' });
    const resumed = await readModels().rebuild(projection, { source: feed, resume: true });
    expect(resumed.ready).toBe(true);
    expect(pages).toBeGreaterThan(0);
    expect(await documents(3)).toEqual(await documents(1));
  });

  it('refuses scan options with a source, and a source that is not one, before any request', async () => {
    const projection = bankProjection({ name, version: 9 });
    for (const options of [{ segments: 4 }, { only: [0] }, { consistentScan: false }, { pageSize: 10 }]) {
      await expect(readModels().rebuild(projection, { source: feed, ...options })).rejects.toSatisfy(
        isInvalidProjectionError,
      );
    }
    await expect(readModels().rebuild(projection, { source: {} as never })).rejects.toSatisfy(
      isInvalidProjectionError,
    );
  });

  it('rebuilds the feed itself from the events table when it is lost, then the projection from it', async () => {
    const fresh = await feedTables();
    const lostFeed = fresh.newFeed({ tableName: fresh.feedTable, eventStore: store });
    const rebuilt = await rebuildFeed({ feed: lostFeed });
    expect(rebuilt.indexed).toBe((await storedEvents(store, streamIds)).length);
    const result = await readModels().rebuild(bankProjection({ name, version: 4 }), { source: lostFeed });
    expect(result.ready).toBe(true);
    expect(await documents(4)).toEqual(await documents(1));
    fresh.destroy();
  });
});

describe('an event of a handled type that cannot be decoded, rebuilt from the feed', () => {
  it('is dead-lettered in its place, as the scan does, and the other events are applied', async () => {
    const fresh = await feedTables();
    const brokenStore = new EventStore<BankEvent>({ client: fresh.client, tableName: fresh.eventsTable });
    const deposits = (count: number): NewEventOf<BankEvent>[] =>
      Array.from({ length: count }, (_, index) => ({ type: 'MoneyDeposited', data: { amount: index + 1 } }));
    const opened = (owner: string): NewEventOf<BankEvent> => ({ type: 'AccountOpened', data: { owner } });
    // A short stream (read by key) and a run long enough to be read by one range Query.
    const streams = { ok: 'bank/ok', short: 'bank/short', long: 'bank/long' };
    await brokenStore.append(streams.ok, [opened('ok'), ...deposits(3)], { expectedVersion: 0 });
    await brokenStore.append(streams.short, [opened('short'), ...deposits(3)], { expectedVersion: 0 });
    await brokenStore.append(streams.long, [opened('long'), ...deposits(RANGE_READ_MIN + 3)], {
      expectedVersion: 0,
    });
    for (const [streamId, version] of [
      [streams.short, 3],
      [streams.long, 5],
    ] as const) {
      const key = { s: { S: streamId }, v: { N: String(version) } };
      const { Item } = await fresh.client.send(
        new GetItemCommand({ TableName: fresh.eventsTable, Key: key }),
      );
      await fresh.client.send(
        new PutItemCommand({ TableName: fresh.eventsTable, Item: { ...Item, b: { S: '{not json' } } }),
      );
    }
    const brokenFeed = fresh.newFeed({ tableName: fresh.feedTable, eventStore: brokenStore });
    await indexStreams(fresh, brokenFeed, Object.values(streams));

    // A plain read still throws: only a reader that dead-letters asks for the events in place.
    await expect(async () => {
      for await (const _ of brokenFeed.readAll()) {
      }
    }).rejects.toSatisfy(isCorruptEventError);
    const yielded = [];
    for await (const page of brokenFeed.readPages({ undecodable: 'yield' })) yielded.push(...page.items);
    expect(
      yielded
        .filter(isUndecodableFeedEvent)
        .map(({ streamId, version, type }) => ({ streamId, version, type })),
    ).toEqual([
      { streamId: streams.short, version: 3, type: 'MoneyDeposited' },
      { streamId: streams.long, version: 5, type: 'MoneyDeposited' },
    ]);
    expect(yielded).toHaveLength(4 + 4 + RANGE_READ_MIN + 4);

    const models = new ReadModels({
      client: readClient,
      eventStore: brokenStore,
      tableName: readModelTable,
      logger: silentLogger,
    });
    const broken = uniqueId('broken');
    const scanned = await models.rebuild(bankProjection({ name: broken, version: 1 }));
    const fromFeed = await models.rebuild(bankProjection({ name: broken, version: 2 }), {
      source: brokenFeed,
    });
    expect(scanned).toMatchObject({ ready: true, deadLetters: 2 });
    expect(fromFeed).toMatchObject({ ready: true, deadLetters: 2, streams: 3 });
    const letters = async (version: number) =>
      (await models.deadLetters.list(bankProjection({ name: broken, version })))
        .map(({ streamId, version: at }) => `${streamId}@${at}`)
        .sort();
    expect(await letters(2)).toEqual([`${streams.long}@5`, `${streams.short}@3`]);
    expect(await letters(2)).toEqual(await letters(1));
    const docs = (version: number) =>
      models.reader<BankDoc>({ name: broken, version }, { pinned: true }).list();
    expect(await docs(2)).toEqual(await docs(1));
    fresh.destroy();
  });
});

/** A source that aborts after `pages` pages (a process stopped mid-rebuild). */
async function* stopAfter<T>(pages: AsyncIterable<T>, count: number, stop: AbortController) {
  let seen = 0;
  for await (const page of pages) {
    yield page;
    if (++seen === count) stop.abort();
  }
}
