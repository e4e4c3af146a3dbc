import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { createBankApp } from '../app/bank-app.js';
import { createHttpApiHandler } from '../http/http-api-handler.js';
import { requiredEnv, TableEnvironment } from './environment.js';

// Created once per container, outside the handler: every invocation of a warm container reuses the
// client's connections, the event store's memory of stream versions (which makes an append right
// after a load a single PutItem) and the account states it has cached.
const client = new DynamoDBClient({});
const app = createBankApp({
  client,
  tables: {
    events: requiredEnv(TableEnvironment.Events),
    snapshots: requiredEnv(TableEnvironment.Snapshots),
    idempotency: requiredEnv(TableEnvironment.Idempotency),
    readModels: requiredEnv(TableEnvironment.ReadModels),
  },
});

/** Lambda entry of the HTTP API (API Gateway HTTP API, payload format 2.0). */
export const handler: APIGatewayProxyHandlerV2 = createHttpApiHandler(app);
