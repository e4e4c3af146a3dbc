import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { instrumentHandler } from '@dynamo-es/event-store';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createBankFeed } from '../feed/bank-feed.js';
import { requiredEnv, TableEnvironment } from './environment.js';
import { functionObservability } from './observability.js';

// Created once per container, outside the handler, and reused by every invocation.
const client = new DynamoDBClient({});
const { logger, metrics } = functionObservability('bank-feed-indexer');
const { indexer } = createBankFeed({
  client,
  eventsTable: requiredEnv(TableEnvironment.Events),
  feedTable: requiredEnv(TableEnvironment.Feed),
  logger,
  metrics,
});

/**
 * Lambda entry of the feed indexer: a second consumer of the events table's stream (deploy it with
 * `FeedIndexer` of `@dynamo-es/cdk`), answering with `batchItemFailures`; reports
 * `FeedIndexerLag` and the other feed metrics once per invocation.
 */
export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> =
  instrumentHandler(indexer, { logger, metrics });
