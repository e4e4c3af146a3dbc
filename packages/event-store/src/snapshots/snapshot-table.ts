import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../table.js';

/**
 * The snapshots table: one item per stream (the latest snapshot), keyed by stream id. It is a table
 * of its own with no DynamoDB stream, so snapshots never reach the events table's stream, and so
 * never reach projections. On-demand billing by default.
 *
 * @example
 * await client.send(new CreateTableCommand(snapshotTableDefinition('snapshots')));
 */
export function snapshotTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 's', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 's', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/**
 * Creates the snapshots table ({@link snapshotTableDefinition}) unless it exists, and waits until it is
 * active. Idempotent.
 *
 * @example
 * await createSnapshotTable(client, { tableName: 'snapshots' });
 */
export async function createSnapshotTable(
  client: DynamoDBClient,
  options: { tableName: string },
): Promise<void> {
  await createTableIfMissing(client, snapshotTableDefinition(options.tableName));
}
