import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEventTable, EventStore, type EventStoreOptions } from '@dynamo-es/event-store';
import { createTestClient, uniqueId } from '../../../../test/support/dynamodb.js';
import { createFeedTable, Feed, type FeedOptions } from '../../src/index.js';

/** A fresh events table and feed table, with a store and a feed factory on them. */
export async function feedTables(options: { store?: Partial<EventStoreOptions> } = {}) {
  const client = createTestClient();
  const eventsTable = uniqueId('events');
  const feedTable = uniqueId('feed');
  await Promise.all([
    createEventTable(client, { tableName: eventsTable }),
    createFeedTable(client, { tableName: feedTable }),
  ]);
  const store = new EventStore({ client, tableName: eventsTable, ...options.store });
  const newFeed = (overrides: Partial<FeedOptions> = {}) =>
    new Feed({ client, tableName: feedTable, eventStore: store, ...overrides });
  return { client, eventsTable, feedTable, store, newFeed };
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

export type Client = DynamoDBClient;
