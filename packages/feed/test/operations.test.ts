import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rebuildFeed, validateFeed } from '../src/index.js';
import { appendEvents, collect, feedTables, indexStreams } from './support/tables.js';

let tables: Awaited<ReturnType<typeof feedTables>>;
const ids = Array.from({ length: 15 }, (_, index) => `s${index}`);

beforeEach(async () => {
  tables = await feedTables();
  await Promise.all(
    ids.map((id, index) => appendEvents(tables.store, id, Array(1 + (index % 4)).fill('Deposited'))),
  );
});
afterEach(() => tables.destroy());

const total = ids.reduce((sum, _, index) => sum + 1 + (index % 4), 0);

describe('validateFeed', () => {
  it('passes a complete feed and names what a lagging one misses', async () => {
    const feed = tables.newFeed({ maxStreamsPerBatch: 4 });
    await indexStreams(tables, feed, ids.slice(0, 10));
    const partial = await validateFeed({ feed, segments: 2 });
    expect(partial.ok).toBe(false);
    expect(partial.counts.missing).toBe(total - 23);
    expect(partial.problems[0]).toMatchObject({ kind: 'missing' });
    await indexStreams(tables, feed, ids.slice(10));
    expect(await validateFeed({ feed })).toMatchObject({
      ok: true,
      events: total,
      positions: total,
      streams: 15,
    });
  });

  it('finds a duplicate entry, a wrong type and a stream state ahead of the feed', async () => {
    const feed = tables.newFeed();
    await indexStreams(tables, feed, ids);
    const duplicate = `{"t":["Deposited"],"e":[["s1",1,[0]]]}`;
    await tables.client.send(
      new PutItemCommand({
        TableName: tables.feedTable,
        Item: {
          p: { S: 'b#0' },
          n: { N: String(total + 1) },
          c: { N: '1' },
          w: { N: '0' },
          b: { S: duplicate },
        },
      }),
    );
    await tables.client.send(
      new PutItemCommand({
        TableName: tables.feedTable,
        Item: {
          p: { S: 'b#0' },
          n: { N: String(total + 2) },
          c: { N: '1' },
          w: { N: '0' },
          b: { S: '{"t":["Withdrawn"],"e":[["s0",2,[0]]]}' },
        },
      }),
    );
    await tables.client.send(
      new UpdateItemCommand({
        TableName: tables.feedTable,
        Key: { p: { S: 's#s3' }, n: { N: '0' } },
        UpdateExpression: 'SET v = :v, q = :q',
        ExpressionAttributeValues: { ':v': { N: '99' }, ':q': { N: '1' } },
      }),
    );
    const report = await validateFeed({ feed });
    expect(report.ok).toBe(false);
    expect(report.counts).toMatchObject({ duplicate: 1, unknown: 1, 'state-ahead': 1 });
  });
});

describe('rebuildFeed', () => {
  it('builds a complete feed from the events table, each stream in version order', async () => {
    const feed = tables.newFeed({ positionsPerEpoch: 10 });
    const progress: number[] = [];
    const result = await rebuildFeed({ feed, segments: 3, onProgress: (p) => progress.push(p.scanned) });
    expect(result).toMatchObject({ scanned: total, indexed: total, duplicates: 0 });
    expect(result.failed.size).toBe(0);
    expect(progress.at(-1)).toBe(total);
    expect(await validateFeed({ feed })).toMatchObject({ ok: true, events: total });
  });

  it('repairs a partial feed while the live indexer runs, skipping what it holds', async () => {
    const feed = tables.newFeed({ maxStreamsPerBatch: 2 });
    await indexStreams(tables, feed, ids.slice(0, 5));
    const [rebuilt] = await Promise.all([
      rebuildFeed({ feed: tables.newFeed({ maxStreamsPerBatch: 3 }) }),
      indexStreams(tables, tables.newFeed(), ids.slice(3, 12), 4),
    ]);
    expect(rebuilt.scanned).toBe(total);
    expect(await validateFeed({ feed })).toMatchObject({ ok: true, events: total });
    const positions = (await collect(feed.readEntries())).map((entry) => entry.position);
    expect(positions).toEqual(positions.map((_, index) => index + 1));
  });
});
