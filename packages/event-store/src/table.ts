import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { InvalidInputError } from './errors.js';

/**
 * The events table: one item per event, keyed by stream id (`s`, partition key) and version (`v`,
 * sort key), with a stream of new images for projections. On-demand billing by default.
 * Reuse it in infrastructure code (CDK, CloudFormation, Terraform) so every environment matches.
 *
 * @example
 * new dynamodb.Table(this, 'Events', {
 *   partitionKey: { name: 's', type: AttributeType.STRING },
 *   sortKey: { name: 'v', type: AttributeType.NUMBER },
 *   stream: StreamViewType.NEW_IMAGE,
 * });
 */
export function eventTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 's', AttributeType: 'S' },
      { AttributeName: 'v', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 's', KeyType: 'HASH' },
      { AttributeName: 'v', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}

/**
 * Creates a table from a definition unless it exists, and waits until it is active. Idempotent.
 */
export async function createTableIfMissing(
  client: DynamoDBClient,
  definition: CreateTableCommandInput,
  options: { maxWaitSeconds?: number } = {},
): Promise<void> {
  const TableName = definition.TableName;
  try {
    await client.send(new CreateTableCommand(definition));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
  // Waits for ACTIVE: a table that was just created cannot take writes before that.
  await waitUntilTableExists(
    { client, maxWaitTime: options.maxWaitSeconds ?? 120, minDelay: 1, maxDelay: 5 },
    { TableName },
  );
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  const expected = JSON.stringify(definition.KeySchema);
  if (JSON.stringify(Table?.KeySchema) !== expected) {
    throw new InvalidInputError(
      'tableName',
      `table "${TableName}" exists with key schema ${JSON.stringify(Table?.KeySchema)}, not ${expected}; use another table name`,
    );
  }
}

/**
 * Creates the events table ({@link eventTableDefinition}) unless it exists. Idempotent.
 *
 * @example
 * await createEventTable(client, { tableName: 'events' });
 */
export async function createEventTable(
  client: DynamoDBClient,
  options: { tableName: string },
): Promise<void> {
  await createTableIfMissing(client, eventTableDefinition(options.tableName));
}
