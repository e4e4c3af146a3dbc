import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { instrumentHandler } from '@dynamo-es/event-store';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createBankProjectionHandler } from '../app/bank-app.js';
import { requiredEnv, TableEnvironment } from './environment.js';
import { functionObservability } from './observability.js';

// Created once per container, outside the handler, and reused by every invocation.
const client = new DynamoDBClient({});
const { logger, metrics } = functionObservability('bank-projections');
const project = createBankProjectionHandler({
  client,
  tables: {
    events: requiredEnv(TableEnvironment.Events),
    readModels: requiredEnv(TableEnvironment.ReadModels),
  },
  logger,
  metrics,
});

/**
 * Lambda entry of the projections: fed by the events table's stream through an event source mapping
 * with `ReportBatchItemFailures` (it answers with `batchItemFailures`).
 */
export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> =
  instrumentHandler(project, { logger, metrics });
