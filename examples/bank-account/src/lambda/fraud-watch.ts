import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { instrumentHandler } from '@dynamo-es/event-store';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createFraudWatch } from '../fraud-watch/fraud-watch.js';
import { requiredEnv, TableEnvironment } from './environment.js';
import { functionObservability } from './observability.js';

// Created once per container, outside the handler, and reused by every invocation.
const client = new DynamoDBClient({});
const { logger, metrics } = functionObservability('fraud-watch');
const fraudWatch = createFraudWatch({ client, tableName: requiredEnv(TableEnvironment.FraudWatch), logger });

/**
 * Lambda entry of fraud-watch, the second service: fed by its SQS queue (subscribed to the bank's
 * SNS topic) through an event source mapping with `ReportBatchItemFailures`; duplicates are
 * suppressed by message id, a message ahead of its predecessor is reported and comes again.
 */
export const handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> = instrumentHandler(
  fraudWatch.consumer.sqsHandler(),
  { logger, metrics },
);
