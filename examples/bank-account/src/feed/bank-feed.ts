import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore, type Logger, type MetricsSink } from '@dynamo-es/event-store';
import { createFeedIndexer, Feed, type FeedIndexerHandler } from '@dynamo-es/feed';
import type { AccountEvent } from '../domain/bank-account.js';

/** The bank's feed table next to its events table, e.g. `bank-events` → `bank-events-feed`. */
export const bankFeedTableName = (eventsTable: string): string => `${eventsTable}-feed`;

/**
 * The bank's feed (`@dynamo-es/feed`): every event of the events table with a global position,
 * readable in order long after the stream's 24 hours, by type or by account. The indexer is the
 * handler of a second consumer of the events table's stream (a Lambda in production, a
 * `StreamRunner` in the demo), next to the projections.
 *
 * @example
 * const { feed, indexer } = createBankFeed({ client, eventsTable: 'bank-events', feedTable: 'bank-events-feed' });
 */
export function createBankFeed(options: {
  readonly client: DynamoDBClient;
  readonly eventsTable: string;
  readonly feedTable: string;
  readonly logger?: Logger;
  readonly metrics?: MetricsSink;
}): { feed: Feed<AccountEvent>; indexer: FeedIndexerHandler } {
  const eventStore = new EventStore<AccountEvent>({ client: options.client, tableName: options.eventsTable });
  const feed = new Feed<AccountEvent>({ client: options.client, tableName: options.feedTable, eventStore });
  const observability = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
  return { feed, indexer: createFeedIndexer({ feed, ...observability }) };
}
