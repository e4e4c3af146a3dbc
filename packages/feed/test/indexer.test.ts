import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId } from '../../../test/support/dynamodb.js';
import { createFeedIndexer, type Feed, validateFeed } from '../src/index.js';
import { recordsOf } from './support/stream-records.js';
import { appendEvents, feedTables } from './support/tables.js';

let tables: Awaited<ReturnType<typeof feedTables>>;

beforeAll(async () => {
  tables = await feedTables();
});
afterAll(() => tables.client.destroy());

const entriesOf = async (feed: Feed) => {
  const entries = [];
  for await (const entry of feed.readEntries()) entries.push(entry);
  return entries;
};

describe('the indexer', () => {
  it('gives delivered events contiguous positions, each stream in version order', async () => {
    const feed = tables.newFeed();
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    await appendEvents(tables.store, a, ['Opened', 'Deposited', 'Deposited']);
    await appendEvents(tables.store, b, ['Opened', 'Withdrawn']);
    const indexer = createFeedIndexer({ feed });
    const records = await recordsOf(tables.client, tables.eventsTable, [a, b]);
    expect(await indexer({ Records: records })).toEqual({ batchItemFailures: [] });
    const entries = await entriesOf(feed);
    expect(entries.map((entry) => entry.position)).toEqual([1, 2, 3, 4, 5]);
    expect(
      entries.map((entry) => `${entry.streamId === a ? 'a' : 'b'}${entry.version}:${entry.type}`),
    ).toEqual(['a1:Opened', 'a2:Deposited', 'a3:Deposited', 'b1:Opened', 'b2:Withdrawn']);
    expect(await indexer({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await entriesOf(feed)).toHaveLength(5);
    expect((await validateFeed({ feed })).ok).toBe(true);
  });
});
