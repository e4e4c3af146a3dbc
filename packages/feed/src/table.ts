import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '@dynamo-es/event-store';

/**
 * The feed table: partition key `p` (S), sort key `n` (N), on-demand billing, no stream. It holds
 * the batches (one partition key per epoch, sorted by first position), one state item per stream,
 * one checkpoint item per subscription and a meta item. Reuse it in infrastructure code so every
 * environment matches.
 *
 * @example
 * new dynamodb.Table(this, 'Feed', {
 *   partitionKey: { name: 'p', type: AttributeType.STRING },
 *   sortKey: { name: 'n', type: AttributeType.NUMBER },
 *   billingMode: BillingMode.PAY_PER_REQUEST,
 * });
 */
export function feedTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'p', AttributeType: 'S' },
      { AttributeName: 'n', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'p', KeyType: 'HASH' },
      { AttributeName: 'n', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/**
 * Creates the feed table ({@link feedTableDefinition}) unless it exists, and waits until it is
 * active. Idempotent.
 *
 * @example
 * await createFeedTable(client, { tableName: 'events-feed' });
 */
export async function createFeedTable(client: DynamoDBClient, options: { tableName: string }): Promise<void> {
  await createTableIfMissing(client, feedTableDefinition(options.tableName));
}
