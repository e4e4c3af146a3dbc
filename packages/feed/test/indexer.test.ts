import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { injectFaults } from '../../../test/reliability/support/faults.js';
import { seededRandom } from '../../../test/reliability/support/random.js';
import { createTestClient } from '../../../test/support/dynamodb.js';
import { propertySeed } from '../../../test/support/property-seed.js';
import { countRequests } from '../../../test/support/request-counter.js';
import { createFeedIndexer, type Feed, validateFeed } from '../src/index.js';
import { killSwitch } from './support/lambda.js';
import { recordsOf } from './support/stream-records.js';
import { appendEvents, feedTables } from './support/tables.js';

let tables: Awaited<ReturnType<typeof feedTables>>;
const clients: { destroy(): void }[] = [];

beforeEach(async () => {
  tables = await feedTables();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  tables.destroy();
});

/** A feed object of its own (an indexer instance) on a client of its own. */
const instance = (overrides: Parameters<typeof tables.newFeed>[0] = {}) => {
  const client = createTestClient();
  clients.push(client);
  const feed = tables.newFeed({ client, ...overrides });
  return { client, feed, index: createFeedIndexer({ feed }) };
};

const entries = async (feed: Feed) => {
  const all: string[] = [];
  for await (const entry of feed.readEntries())
    all.push(`${entry.position}:${entry.streamId}@${entry.version}`);
  return all;
};

const expectValid = async (events: number) => {
  const report = await validateFeed({ feed: tables.newFeed() });
  expect(report.problems).toEqual([]);
  expect(report).toMatchObject({ ok: true, events, positions: events });
};

describe('the indexer', () => {
  it('gives delivered events contiguous positions, each stream in version order', async () => {
    const { feed, index } = instance();
    await appendEvents(tables.store, 'a', ['Opened', 'Deposited', 'Deposited']);
    await appendEvents(tables.store, 'b', ['Opened', 'Withdrawn']);
    const records = await recordsOf(tables.client, tables.eventsTable, ['a', 'b']);
    expect(await index({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await entries(feed)).toEqual(['1:a@1', '2:a@2', '3:a@3', '4:b@1', '5:b@2']);
    await expectValid(5);
  });

  it('skips events delivered again, in any later batch or instance', async () => {
    await appendEvents(tables.store, 'a', ['Opened', 'Deposited']);
    const records = await recordsOf(tables.client, tables.eventsTable, ['a']);
    await instance().index({ Records: records });
    await instance().index({ Records: [...records, ...records] });
    await instance().index({ Records: [records[1] as DynamoDBRecord] });
    expect(await entries(tables.newFeed())).toEqual(['1:a@1', '2:a@2']);
  });

  it('fills a gap from the events table, so a later version never comes before an earlier one', async () => {
    await appendEvents(tables.store, 'a', ['Opened', 'Deposited', 'Withdrawn', 'Deposited']);
    const [v1, v2, v3, v4] = await recordsOf(tables.client, tables.eventsTable, ['a']);
    const { feed, index } = instance();
    const events = countRequests(tables.store.client);
    await index({ Records: [v3 as DynamoDBRecord] });
    expect(events.byCommand()).toEqual({ BatchGetItemCommand: 1 });
    await index({ Records: [v1, v2] as DynamoDBRecord[] });
    await index({ Records: [v4, v2] as DynamoDBRecord[] });
    events.remove();
    expect(await entries(feed)).toEqual(['1:a@1', '2:a@2', '3:a@3', '4:a@4']);
  });

  it('costs one Query, one BatchGetItem, and for the batch it follows an UpdateItem per stream and a PutItem per type', async () => {
    for (const id of ['a', 'b', 'c']) await appendEvents(tables.store, id, ['Opened']);
    await instance().index({ Records: await recordsOf(tables.client, tables.eventsTable, ['a', 'b']) });
    const next = instance();
    await next.feed.headPosition(); // reads the meta item once per instance
    const requests = countRequests(next.client);
    await next.index({ Records: await recordsOf(tables.client, tables.eventsTable, ['c']) });
    // The batch of a and b (one type): 2 state updates and 1 type index item; then its own batch.
    expect(requests.byCommand()).toEqual({
      QueryCommand: 1,
      UpdateItemCommand: 2,
      BatchGetItemCommand: 1,
      PutItemCommand: 2,
    });
  });

  it('stays exact with concurrent indexers delivering overlapping batches', async () => {
    const ids = Array.from({ length: 12 }, (_, index) => `s${index}`);
    await Promise.all(ids.map((id) => appendEvents(tables.store, id, ['Opened', 'Deposited', 'Withdrawn'])));
    const records = await recordsOf(tables.client, tables.eventsTable, ids);
    const random = seededRandom(propertySeed('concurrent indexers'));
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => {
        const mine = records.filter(() => random() < 0.5).sort(() => random() - 0.5);
        return instance({ maxStreamsPerBatch: 3 }).index({ Records: mine });
      }),
    );
    for (const outcome of outcomes) expect(outcome.batchItemFailures).toEqual([]);
    await instance().index({ Records: records });
    await expectValid(36);
  });

  it('stays exact when the answers to its writes are lost (the writes landed)', async () => {
    await appendEvents(tables.store, 'a', ['Opened', 'Deposited', 'Withdrawn']);
    await appendEvents(tables.store, 'b', ['Opened']);
    const records = await recordsOf(tables.client, tables.eventsTable, ['a', 'b']);
    const { client, index } = instance({ maxStreamsPerBatch: 1 });
    const faults = injectFaults(client, {
      seed: propertySeed('lost answers'),
      rate: 0,
      kinds: ['lost-response'],
      first: 6,
      commands: ['PutItemCommand', 'UpdateItemCommand'],
      where: 'outside-sdk-retries',
    });
    try {
      expect(await index({ Records: records })).toEqual({ batchItemFailures: [] });
      expect(faults.total()).toBe(6);
    } finally {
      faults.remove();
    }
    await expectValid(4);
  });

  it('recovers from an invocation killed after applying the batch before its own, before its put', async () => {
    await appendEvents(tables.store, 'a', ['Opened', 'Deposited']);
    await appendEvents(tables.store, 'b', ['Opened']);
    const [a1, a2, b1] = await recordsOf(tables.client, tables.eventsTable, ['a', 'b']);
    const first = instance({ maxAttempts: 2 });
    await first.index({ Records: [a1 as DynamoDBRecord] });
    const killer = killSwitch(first.client);
    const requests = countRequests(first.client);
    // Query, UpdateItem (apply batch 1) and BatchGetItem (states) leave; the PutItem and all after it do not.
    killer.arm(4);
    await first.index({ Records: [a2, b1] as DynamoDBRecord[] });
    expect(killer.disarm()).toBe(true);
    expect(requests.byCommand()).toEqual({ QueryCommand: 1, UpdateItemCommand: 1, BatchGetItemCommand: 1 });
    expect(await entries(first.feed)).toEqual(['1:a@1']);
    expect(await instance().index({ Records: [a2, b1] as DynamoDBRecord[] })).toEqual({
      batchItemFailures: [],
    });
    expect(await entries(first.feed)).toEqual(['1:a@1', '2:a@2', '3:b@1']);
  });

  it('recovers from an invocation whose batch landed but whose answer was lost: the next writer applies it', async () => {
    await appendEvents(tables.store, 'a', ['Opened', 'Deposited']);
    await appendEvents(tables.store, 'b', ['Opened']);
    const [a1, a2, b1] = await recordsOf(tables.client, tables.eventsTable, ['a', 'b']);
    await instance().index({ Records: [a1, a2] as DynamoDBRecord[] });
    // The batch is in the feed; its stream states are not (only the writer after it applies them).
    const state = await tables.client.send(
      new GetItemCommand({ TableName: tables.feedTable, Key: { p: { S: 's#a' }, n: { N: '0' } } }),
    );
    expect(state.Item).toBeUndefined();
    // Lambda never got the answer: the same records come again, with others, to another instance.
    const second = instance();
    expect(await second.index({ Records: [b1, a2, a1] as DynamoDBRecord[] })).toEqual({
      batchItemFailures: [],
    });
    await appendEvents(tables.store, 'a', ['Withdrawn']);
    await second.index({ Records: (await recordsOf(tables.client, tables.eventsTable, ['a'])).slice(1) });
    expect(await entries(second.feed)).toEqual(['1:a@1', '2:a@2', '3:b@1', '4:a@3']);
    await expectValid(4);
  });

  it('fails only the stream whose earlier version is missing from the events table', async () => {
    await appendEvents(tables.store, 'broken', ['Opened', 'Deposited', 'Deposited']);
    await appendEvents(tables.store, 'fine', ['Opened']);
    const records = await recordsOf(tables.client, tables.eventsTable, ['broken', 'fine']);
    await tables.client.send(
      new DeleteItemCommand({ TableName: tables.eventsTable, Key: { s: { S: 'broken' }, v: { N: '2' } } }),
    );
    const { feed, index } = instance();
    const [, , third, fine] = records as DynamoDBRecord[];
    const answer = await index({ Records: [third, fine] as DynamoDBRecord[] });
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: third?.dynamodb?.SequenceNumber }] });
    expect(await entries(feed)).toEqual(['1:fine@1']);
  });

  it('rotates epochs, and a new instance finds the end from the head hint', async () => {
    const ids = Array.from({ length: 10 }, (_, index) => `s${index}`);
    await Promise.all(ids.map((id) => appendEvents(tables.store, id, ['Opened', 'Deposited', 'Withdrawn'])));
    const records = await recordsOf(tables.client, tables.eventsTable, ids);
    const { index } = instance({ positionsPerEpoch: 4, maxEventsPerBatch: 3 });
    for (let at = 0; at < records.length; at += 7) await index({ Records: records.slice(at, at + 7) });
    const meta = await tables.client.send(
      new GetItemCommand({ TableName: tables.feedTable, Key: { p: { S: 'meta' }, n: { N: '0' } } }),
    );
    expect(meta.Item).toMatchObject({ e: { N: '4' }, h: { N: '7' } });
    const fresh = instance({ positionsPerEpoch: 1_000 });
    expect(await fresh.feed.headPosition()).toBe(30);
    expect(await fresh.feed.streamPosition('s9')).toEqual({ version: 3, position: 30 });
    expect(await fresh.feed.streamPosition('s0')).toEqual({ version: 3, position: 3 });
    expect(await fresh.feed.streamPosition('nobody')).toBeUndefined();
    await expectValid(30);
  });

  it('ignores other records and items, and indexes events whatever their bodies', async () => {
    await tables.store.append(
      'a',
      [{ type: 'Large', data: { text: 'x'.repeat(5_000) }, eventId: 'my-own-id' }],
      {
        expectedVersion: 'no-stream',
      },
    );
    const [record] = await recordsOf(tables.client, tables.eventsTable, ['a']);
    await tables.client.send(
      new PutItemCommand({
        TableName: tables.eventsTable,
        Item: { s: { S: 'x' }, v: { N: '1' }, note: { S: 'n' } },
      }),
    );
    const foreign = (await recordsOf(tables.client, tables.eventsTable, ['x']))[0] as DynamoDBRecord;
    const modify = { ...(record as DynamoDBRecord), eventName: 'MODIFY' as const };
    const { feed, index } = instance();
    expect(await index({ Records: [foreign, modify, record as DynamoDBRecord] })).toEqual({
      batchItemFailures: [],
    });
    expect(await entries(feed)).toEqual(['1:a@1']);
    const read = [];
    for await (const event of feed.readAll()) read.push(event);
    const [event] = read;
    expect(event).toMatchObject({ position: 1, eventId: 'my-own-id', data: { text: 'x'.repeat(5_000) } });
  });
});
