import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDBClient } from '@dynamo-es/local';
import { inject } from 'vitest';

let sharedClient: DynamoDBClient | undefined;

/**
 * Endpoint of the DynamoDB Local started by the global setup.
 *
 * @example
 * ```ts
 * spawn('node', ['tool.js'], { env: { ...process.env, DYNAMODB_ENDPOINT: testEndpoint() } });
 * ```
 */
export const testEndpoint = (): string => inject('dynamodbEndpoint');

/**
 * A client for the test run's DynamoDB Local, shared by all tests of a file.
 *
 * @example
 * ```ts
 * await testClient().send(new ListTablesCommand({}));
 * ```
 */
export const testClient = (): DynamoDBClient => {
  sharedClient ??= createDynamoDBClient(testEndpoint());
  return sharedClient;
};

/**
 * A new client of its own, e.g. to count its requests without counting other tests' requests.
 * Destroy it when done.
 *
 * @example
 * ```ts
 * const client = createTestClient();
 * const requests = countRequests(client);
 * ```
 */
export const createTestClient = (): DynamoDBClient => createDynamoDBClient(testEndpoint());

/**
 * A unique stream id or table name (letters, digits and `-` only, valid as a DynamoDB table name),
 * so tests never share data.
 *
 * @example
 * ```ts
 * const streamId = uniqueId('account'); // 'account-3f0c9d4e-…'
 * ```
 */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID()}`;
