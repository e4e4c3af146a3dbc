import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventStore, type StoredEvent } from '@dynamo-es/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests } from '../../../test/support/request-counter.js';
import { type Feed, type FeedEvent, isCorruptFeedError, validateFeed } from '../src/index.js';
import { appendEvents, collect, feedTables, indexStreams } from './support/tables.js';

let tables: Awaited<ReturnType<typeof feedTables>>;
let feed: Feed;
let stored: FeedEvent[];
const ids = ['acct-1', 'acct-2', 'user-1', 'acct-3'];

beforeAll(async () => {
  tables = await feedTables();
  // Small epochs and batches: reads cross many batch and epoch boundaries.
  // Read through a store whose code upcasts `Renamed` (the events were written before it had that step).
  const upcasting = new EventStore({
    client: tables.store.client,
    tableName: tables.eventsTable,
    upcasters: { Renamed: { 1: (data) => ({ ...(data as object), upcast: true }) } },
  });
  feed = tables.newFeed({ positionsPerEpoch: 5, maxEventsPerBatch: 3, eventStore: upcasting });
  await appendEvents(tables.store, 'acct-1', ['Opened', 'Deposited', 'Withdrawn', 'Deposited']);
  await appendEvents(tables.store, 'acct-2', ['Opened', 'Renamed']);
  await appendEvents(tables.store, 'user-1', ['Registered', 'Deposited']);
  await tables.store.append(
    'acct-3',
    [{ type: 'Opened', data: { n: 0 }, metadata: { correlationId: 'c-1' } }],
    {
      expectedVersion: 'no-stream',
    },
  );
  await indexStreams(tables, feed, ids, 3);
  stored = [];
  for await (const event of feed.readAll()) stored.push(event);
});
afterAll(() => tables.destroy());

describe('readAll', () => {
  it('returns every event once, decoded and upcast, with positions 1..n', async () => {
    expect(stored.map((event) => event.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const fromStore = [];
    for (const id of ids) fromStore.push(...(await (feed.eventStore as EventStore).readStream(id)).events);
    const withoutPosition = stored.map(({ position: _, ...event }) => event);
    expect(withoutPosition.sort(byKey)).toEqual(fromStore.sort(byKey));
    expect(stored.find((event) => event.type === 'Renamed')?.data).toEqual({ at: 'Renamed', upcast: true });
    expect(stored.find((event) => event.streamId === 'acct-3')?.metadata).toEqual({ correlationId: 'c-1' });
  });

  it('returns exactly the suffix from any position, across batches and epochs', async () => {
    for (let from = 0; from <= 12; from++) {
      const suffix = await collect(feed.readAll({ fromPosition: from, pageSize: 2 }));
      expect(suffix.map((event) => event.position)).toEqual(
        stored.map((_, index) => index + 1).filter((position) => position >= from),
      );
    }
  });

  it('fetches only the events that match a type or stream prefix filter', async () => {
    const events = countRequests(tables.store.client);
    const deposits = await collect(feed.readAll({ filter: { types: ['Deposited'] } }));
    expect(deposits.map((event) => `${event.streamId}@${event.version}`)).toEqual([
      'acct-1@2',
      'acct-1@4',
      'user-1@2',
    ]);
    // One BatchGetItem per page of batches: the three are in two epochs (5 positions each) here.
    expect(events.byCommand()).toEqual({ BatchGetItemCommand: 2 });
    const users = await collect(feed.readAll({ filter: { streamPrefix: 'user-' } }));
    expect(users.map((event) => event.type)).toEqual(['Registered', 'Deposited']);
    const none = await collect(feed.readAll({ filter: { types: ['Nothing'] } }));
    expect(none).toEqual([]);
    expect(events.byCommand()).toEqual({ BatchGetItemCommand: 3 });
    events.remove();
  });

  it('lists entries without reading any event', async () => {
    const events = countRequests(tables.store.client);
    const entries = await collect(feed.readEntries({ fromPosition: 4, filter: { types: ['Opened'] } }));
    expect(entries.map((entry) => entry.position)).toEqual(
      stored.filter((event) => event.type === 'Opened' && event.position >= 4).map((event) => event.position),
    );
    expect(events.count()).toBe(0);
    events.remove();
  });

  it('pages with the position covered, and reads eventually consistently when asked', async () => {
    const pages = await collect(feed.readPages({ pageSize: 2, consistentRead: false }));
    expect(pages.flatMap((page) => page.items.map((event) => event.position))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(pages.at(-1)?.end).toBe(10);
    for (const page of pages) expect(page.items.every((event) => event.position < page.end)).toBe(true);
  });

  it('reads a long run of one stream with one range query instead of by key', async () => {
    const own = await feedTables();
    await appendEvents(
      own.store,
      'long',
      Array.from({ length: 20 }, () => 'Deposited'),
    );
    const longFeed = own.newFeed();
    await indexStreams(own, longFeed, ['long']);
    const events = countRequests(own.store.client);
    expect(await collect(longFeed.readAll())).toHaveLength(20);
    expect(events.byCommand()).toEqual({ QueryCommand: 1 });
    own.destroy();
  });

  it('reads nothing from an empty feed, and fails on a feed whose positions break', async () => {
    const own = await feedTables();
    const empty = own.newFeed();
    expect(await collect(empty.readAll())).toEqual([]);
    expect(await empty.headPosition()).toBe(0);
    await appendEvents(own.store, 'a', ['Opened', 'Deposited']);
    await indexStreams(own, empty, ['a'], 1);
    // A batch written by hand after a hole (positions 3 and 4 are nowhere).
    await own.client.send(
      new PutItemCommand({
        TableName: own.feedTable,
        Item: {
          p: { S: 'b#0' },
          n: { N: '5' },
          c: { N: '1' },
          w: { N: '0' },
          b: { S: '{"t":["X"],"e":[["z",1,[0]]]}' },
        },
      }),
    );
    await expect(collect(own.newFeed().readAll())).rejects.toSatisfy(isCorruptFeedError);
    const report = await validateFeed({ feed: own.newFeed() });
    expect(report.ok).toBe(false);
    expect(report.counts.corrupt).toBe(1);
    own.destroy();
  });
});

const byKey = (a: StoredEvent, b: StoredEvent) =>
  `${a.streamId}@${a.version}` < `${b.streamId}@${b.version}` ? -1 : 1;
