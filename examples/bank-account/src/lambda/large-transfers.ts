import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { instrumentHandler } from '@dynamo-es/event-store';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createBankApp } from '../app/bank-app.js';
import { createLargeTransferProcess } from '../sagas/large-transfer-process.js';
import { numberEnv, requiredEnv, SettingEnvironment, TableEnvironment } from './environment.js';
import { functionObservability } from './observability.js';

// Created once per container, outside the handlers, and reused by every invocation.
const client = new DynamoDBClient({});
const { logger, metrics } = functionObservability('bank-large-transfers');
const tables = {
  events: requiredEnv(TableEnvironment.Events),
  snapshots: requiredEnv(TableEnvironment.Snapshots),
  idempotency: requiredEnv(TableEnvironment.Idempotency),
  readModels: requiredEnv(TableEnvironment.ReadModels),
};
const { bank, store } = createBankApp({ client, tables, logger, metrics });
const windowSeconds = numberEnv(SettingEnvironment.ApprovalWindowSeconds);
const transfers = createLargeTransferProcess({
  bank,
  store,
  client,
  readModelTable: tables.readModels,
  ...(windowSeconds === undefined ? {} : { approvalWindowMs: windowSeconds * 1000 }),
  logger,
});

/**
 * Lambda entry of the large-transfer saga on the events table's stream (`ReportBatchItemFailures`):
 * reacts to requests and decisions and sends the bank's commands, each once.
 */
export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> =
  instrumentHandler(transfers.streamHandler(), { logger, metrics });

/** Lambda entry of the deadline poller, on a schedule (every minute): fires due approval deadlines. */
export const deadlines = instrumentHandler(transfers.deadlineHandler(), { logger, metrics });
