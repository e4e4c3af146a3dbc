import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Feed, type FeedEntry, validateFeed } from '../src/index.js';
import { appendEvents, collect, feedTables, indexStreams } from './support/tables.js';

let tables: Awaited<ReturnType<typeof feedTables>>;
let feed: Feed;
let all: FeedEntry[];
const ids = Array.from({ length: 8 }, (_, index) => `acct-${index}`);
const TYPES = ['Deposited', 'Withdrawn', 'Noted', 'Flagged'];

/** The partition keys of the Queries a client sends (and whether they ask for one item only). */
function queriedKeys(client: DynamoDBClient) {
  const name = `feed-test-queried-keys-${Math.random()}`;
  const keys: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        ExpressionAttributeValues?: Record<string, { S?: string }>;
        Limit?: number;
      };
      if (context.commandName === 'QueryCommand') {
        keys.push(`${input.ExpressionAttributeValues?.[':p']?.S}${input.Limit === 1 ? ' (limit 1)' : ''}`);
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { keys, remove: () => client.middlewareStack.remove(name) };
}

beforeAll(async () => {
  tables = await feedTables();
  // Small epochs and batches: many batches and epochs, so the index must be read across them.
  feed = tables.newFeed({ positionsPerEpoch: 10, maxEventsPerBatch: 4 });
  await Promise.all(
    ids.map((id, index) =>
      appendEvents(
        tables.store,
        id,
        Array.from({ length: 6 }, (_, at) =>
          index === 3 && at === 2 ? 'Flagged' : (TYPES[(index + at) % 3] as string),
        ),
      ),
    ),
  );
  await indexStreams(tables, feed, ids, 5);
  all = await collect(feed.readEntries());
});
afterAll(() => tables.destroy());

describe('events by type', () => {
  it('lists the events of one or several types in global order, from any position, in any page size', async () => {
    expect(all).toHaveLength(48);
    for (const types of [
      ['Flagged'],
      ['Deposited'],
      ['Withdrawn', 'Noted'],
      ['Flagged', 'Deposited', 'Nothing'],
    ]) {
      for (const fromPosition of [0, 1, 7, 10, 11, 29, 44, 48, 49]) {
        const expected = all.filter((entry) => types.includes(entry.type) && entry.position >= fromPosition);
        const pageSize = 1 + (fromPosition % 4);
        expect(await collect(feed.readEntries({ fromPosition, filter: { types }, pageSize }))).toEqual(
          expected,
        );
        const events = await collect(feed.readAll({ fromPosition, filter: { types }, pageSize }));
        expect(
          events.map(({ position, streamId, version, type }) => ({ position, streamId, version, type })),
        ).toEqual(expected);
      }
    }
  });

  it('combines a type filter with a stream prefix', async () => {
    const entries = await collect(
      feed.readEntries({ filter: { types: ['Deposited'], streamPrefix: 'acct-1' } }),
    );
    expect(entries).toEqual(all.filter((entry) => entry.type === 'Deposited' && entry.streamId === 'acct-1'));
  });

  it('reads only the type index of the types asked for, never the batches (but the latest)', async () => {
    const queries = queriedKeys(tables.client);
    const flagged = await collect(feed.readEntries({ fromPosition: 0, filter: { types: ['Flagged'] } }));
    expect(flagged).toHaveLength(1);
    queries.remove();
    console.log(queries.keys);
    // The end of the feed (the latest batch), then the Flagged index of each epoch up to it.
    const epochs = Math.floor((all.length - 1) / 10) + 1;
    expect(queries.keys.filter((key) => key.startsWith('y#'))).toEqual(
      Array.from({ length: epochs }, (_, epoch) => `y#${epoch}#Flagged`).slice(0, queries.keys.length - 1),
    );
    expect(queries.keys.filter((key) => key.startsWith('b#')).every((key) => key.endsWith('(limit 1)'))).toBe(
      true,
    );
  });

  it('keeps global order when a batch reaches into the next epoch (its items stay under its epoch)', async () => {
    const own = await feedTables();
    // 7 positions per epoch, batches of 5: the batch of positions 6..10 begins in epoch 0 and
    // ends in epoch 1, with each type's first event on either side of the boundary.
    const spanning = own.newFeed({ positionsPerEpoch: 7, maxEventsPerBatch: 5 });
    await appendEvents(
      own.store,
      's',
      Array.from({ length: 15 }, (_, index) => (index % 2 === 0 ? 'A' : 'B')),
    );
    await indexStreams(own, spanning, ['s'], 5);
    const positions = (await collect(spanning.readEntries({ filter: { types: ['A', 'B'] } }))).map(
      (e) => e.position,
    );
    expect(positions).toEqual(Array.from({ length: 15 }, (_, index) => index + 1));
    for (const fromPosition of [6, 7, 8, 11]) {
      const from = await collect(
        spanning.readEntries({ fromPosition, filter: { types: ['A', 'B'] }, pageSize: 2 }),
      );
      expect(from.map((e) => e.position)).toEqual(positions.filter((position) => position >= fromPosition));
    }
    expect(await validateFeed({ feed: spanning })).toMatchObject({ ok: true });
    own.destroy();
  });

  it('finds the latest batch, whose index items are not written yet, from its entries', async () => {
    const own = await feedTables();
    const small = own.newFeed();
    await appendEvents(own.store, 'a', ['Opened', 'Flagged']);
    await indexStreams(own, small, ['a']);
    expect(
      (await collect(small.readEntries({ filter: { types: ['Flagged'] } }))).map((e) => e.version),
    ).toEqual([2]);
    own.destroy();
  });

  it('is checked by validateFeed: a missing or altered index item is a type-index problem', async () => {
    const own = await feedTables();
    const small = own.newFeed({ maxEventsPerBatch: 2 });
    await appendEvents(own.store, 'a', ['Opened', 'Flagged', 'Deposited', 'Deposited', 'Flagged']);
    await indexStreams(own, small, ['a'], 1);
    expect(await validateFeed({ feed: small })).toMatchObject({ ok: true });
    const { DeleteItemCommand } = await import('@aws-sdk/client-dynamodb');
    await own.client.send(
      new DeleteItemCommand({ TableName: own.feedTable, Key: { p: { S: 'y#0#Flagged' }, n: { N: '2' } } }),
    );
    const report = await validateFeed({ feed: small });
    expect(report.ok).toBe(false);
    expect(report.counts['type-index']).toBe(1);
    expect(report.problems[0]?.detail).toContain('"Flagged"');
    own.destroy();
  });
});
