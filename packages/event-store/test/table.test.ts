import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { createEventTable, eventTableDefinition, isInvalidInputError } from '../src/index.js';

describe('events table', () => {
  it('is created with the documented keys and a stream, idempotently', async () => {
    const client = testClient();
    const tableName = uniqueId('events');
    await createEventTable(client, { tableName });
    await createEventTable(client, { tableName });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual(eventTableDefinition(tableName).KeySchema);
    expect(Table?.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  });

  it('refuses a table of the same name with other keys', async () => {
    const client = testClient();
    const tableName = uniqueId('other');
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await expect(createEventTable(client, { tableName })).rejects.toSatisfy(isInvalidInputError);
  });
});
