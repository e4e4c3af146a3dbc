import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { instrumentHandler } from '@dynamo-es/event-store';
import { snsSink } from '@dynamo-es/publisher';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { bankPublication, createBankPublisher } from '../publication/bank-publication.js';
import { PUBLICATION_TOPIC_ARN, requiredEnv, TableEnvironment } from './environment.js';
import { functionObservability } from './observability.js';

// Created once per container, outside the handler, and reused by every invocation.
const client = new DynamoDBClient({});
const { logger, metrics } = functionObservability('bank-publisher');
const publisher = createBankPublisher({
  client,
  tables: {
    events: requiredEnv(TableEnvironment.Events),
    readModels: requiredEnv(TableEnvironment.PublicationCheckpoints),
  },
  sink: snsSink({ client: new SNSClient({}), topicArn: requiredEnv(PUBLICATION_TOPIC_ARN) }),
  logger,
});

/**
 * Lambda entry of the bank's publisher: fed by the events table's stream (`StreamPublication` of
 * `@dynamo-es/cdk`), it publishes the public messages of `bankPublication` to the SNS topic and
 * answers with `batchItemFailures` for the streams to deliver again.
 */
export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> =
  instrumentHandler(publisher.streamHandler(bankPublication), { logger, metrics });
