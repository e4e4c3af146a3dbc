import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Feed } from '@dynamo-es/feed';
import type { StreamRunner } from '@dynamo-es/stream-runner';
import type { AccountEvent } from '../../src/domain/bank-account.js';
import { createBankFeed } from '../../src/feed/bank-feed.js';
import { localStreamRunner } from './local-stream.js';

/** The feed indexer running locally: a second consumer of the events table's stream. */
export interface LocalFeed {
  readonly feed: Feed<AccountEvent>;
  readonly runner: StreamRunner;
  stop(): Promise<void>;
}

/**
 * Runs the feed indexer through `StreamRunner`, as the Lambda event source mapping would (one
 * batch per shard at a time, the parallelization factor the feed recommends).
 */
export async function startLocalFeed(
  client: DynamoDBClient,
  tables: { readonly events: string; readonly feed: string },
  logs: string[],
): Promise<LocalFeed> {
  const { feed, indexer } = createBankFeed({ client, eventsTable: tables.events, feedTable: tables.feed });
  const runner = localStreamRunner({
    client,
    tableName: tables.events,
    handler: indexer,
    name: 'feed',
    logs,
  });
  await runner.start();
  return { feed, runner, stop: () => runner.stop() };
}
