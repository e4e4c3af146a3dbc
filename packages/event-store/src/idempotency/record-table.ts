import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../table.js';

/**
 * The idempotency table: one record per idempotency key (`k`, partition key), written in the same
 * transaction as the events of a keyed command. A table of its own rather than items in the events
 * table: the events table and its stream hold only events (projections, rebuild scans and Lambda
 * filters stay as they are, and key records cost no stream reads), and TTL can be enabled here
 * (attribute `x`) without any risk to events. On-demand billing, no stream.
 *
 * @example
 * new dynamodb.Table(this, 'IdempotencyKeys', {
 *   partitionKey: { name: 'k', type: AttributeType.STRING },
 *   timeToLiveAttribute: 'x', // only if records expire (expireAfterSeconds)
 * });
 */
export function idempotencyTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/**
 * Creates the idempotency table ({@link idempotencyTableDefinition}) unless it exists, and waits until
 * it is active. Idempotent.
 *
 * @example
 * await createIdempotencyTable(client, { tableName: 'idempotency-keys' });
 */
export async function createIdempotencyTable(
  client: DynamoDBClient,
  options: { tableName: string },
): Promise<void> {
  await createTableIfMissing(client, idempotencyTableDefinition(options.tableName));
}
