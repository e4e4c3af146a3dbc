import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { instrumentHandler } from '@dynamo-es/event-store';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createBankApp } from '../app/bank-app.js';
import { createHttpApiHandler } from '../http/http-api-handler.js';
import { numberEnv, requiredEnv, SettingEnvironment, TableEnvironment } from './environment.js';
import { functionObservability } from './observability.js';

// Created once per container, outside the handler: every invocation of a warm container reuses the
// client's connections, the event store's memory of stream versions (which makes an append right
// after a load a single PutItem) and the account states it has cached.
const client = new DynamoDBClient({});
const { logger, metrics } = functionObservability('bank-http');
const app = createBankApp({
  client,
  tables: {
    events: requiredEnv(TableEnvironment.Events),
    snapshots: requiredEnv(TableEnvironment.Snapshots),
    idempotency: requiredEnv(TableEnvironment.Idempotency),
    readModels: requiredEnv(TableEnvironment.ReadModels),
  },
  logger,
  metrics,
  approvalLimit: numberEnv(SettingEnvironment.ApprovalLimit),
});
const answer = createHttpApiHandler({
  ...app,
  logError: ({ message, ...entry }) => logger.error(String(message), entry),
});

/** Lambda entry of the HTTP API (API Gateway HTTP API, payload format 2.0). */
export const handler: (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2> = instrumentHandler(answer, { logger, metrics });
