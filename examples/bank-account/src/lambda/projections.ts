import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamHandler } from 'aws-lambda';
import { createBankProjectionHandler } from '../app/bank-app.js';
import { requiredEnv, TableEnvironment } from './environment.js';

// Created once per container, outside the handler, and reused by every invocation.
const client = new DynamoDBClient({});

/**
 * Lambda entry of the projections: fed by the events table's stream through an event source mapping
 * with `ReportBatchItemFailures` (it answers with `batchItemFailures`).
 */
export const handler: DynamoDBStreamHandler = createBankProjectionHandler({
  client,
  tables: {
    events: requiredEnv(TableEnvironment.Events),
    readModels: requiredEnv(TableEnvironment.ReadModels),
  },
});
