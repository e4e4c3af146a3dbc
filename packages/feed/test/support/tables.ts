import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventTable, EventStore, type EventStoreOptions } from '@dynamo-es/event-store';
import { createTestClient, uniqueId } from '../../../../test/support/dynamodb.js';
import { createFeedIndexer, createFeedTable, Feed, type FeedOptions } from '../../src/index.js';
import { recordsOf } from './stream-records.js';

/** A fresh events table and feed table, with a store and a feed factory on them. */
export async function feedTables(options: { store?: Partial<EventStoreOptions> } = {}) {
  const client = createTestClient();
  // The store has a client of its own, so tests can count the requests of each side apart.
  const storeClient = createTestClient();
  const eventsTable = uniqueId('events');
  const feedTable = uniqueId('feed');
  await Promise.all([
    createEventTable(client, { tableName: eventsTable }),
    createFeedTable(client, { tableName: feedTable }),
  ]);
  const store = new EventStore({ client: storeClient, tableName: eventsTable, ...options.store });
  const newFeed = (overrides: Partial<FeedOptions> = {}) =>
    new Feed({ client, tableName: feedTable, eventStore: store, ...overrides });
  const destroy = () => {
    client.destroy();
    storeClient.destroy();
  };
  return { client, eventsTable, feedTable, store, newFeed, destroy };
}

/** Appends `count` events of `type` to a stream, one append each (a new stream when at 0). */
export async function appendEvents(
  store: EventStore,
  streamId: string,
  types: readonly string[],
): Promise<void> {
  for (const type of types) {
    await store.append(streamId, [{ type, data: { at: type } }], { expectedVersion: 'any' });
  }
}

/** Indexes the events of some streams (as Lambda would deliver them), `perInvocation` records at a time. */
export async function indexStreams(
  tables: { client: DynamoDBClient; eventsTable: string },
  feed: Feed,
  streamIds: readonly string[],
  perInvocation = 1_000,
): Promise<void> {
  const index = createFeedIndexer({ feed });
  const records = await recordsOf(tables.client, tables.eventsTable, streamIds);
  for (let at = 0; at < records.length; at += perInvocation) {
    const { batchItemFailures } = await index({ Records: records.slice(at, at + perInvocation) });
    if (batchItemFailures.length > 0)
      throw new Error(`indexing failed: ${JSON.stringify(batchItemFailures)}`);
  }
}

/** Everything an async iterable yields. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
