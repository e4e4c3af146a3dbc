import { randomBytes } from 'node:crypto';
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createTestClient, uniqueId } from '../../../test/support/dynamodb.js';
import { createEventTable, EventStore, type EventStoreOptions } from '../src/index.js';

/** Creates a fresh events table for one test file and a store factory on it. */
export async function eventsTable(options: Partial<EventStoreOptions> = {}) {
  const client = createTestClient();
  const tableName = uniqueId('events');
  await createEventTable(client, { tableName });
  const newStore = (overrides: Partial<EventStoreOptions> = {}) =>
    new EventStore({ client, tableName, ...options, ...overrides });
  return {
    client,
    tableName,
    newStore,
    rawVersions: (streamId: string) => rawVersions(client, tableName, streamId),
  };
}

/** Versions stored for a stream, read with the raw SDK (not through the store under test). */
export async function rawVersions(
  client: DynamoDBClient,
  tableName: string,
  streamId: string,
): Promise<number[]> {
  const versions: number[] = [];
  let startKey: QueryCommand['input']['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 's = :s',
        ExpressionAttributeValues: { ':s': { S: streamId } },
        ProjectionExpression: 'v',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) versions.push(Number(item.v?.N));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return versions;
}

export const newStreamId = () => uniqueId('stream');
export const event = (type = 'Happened', data: unknown = { n: 1 }) => ({ type, data });

/**
 * A string of `length` random base64 characters: the least compressible text there is (DEFLATE
 * gets it to about 3/4, never further), for tests about sizes.
 */
export const incompressible = (length: number): string =>
  randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString('base64')
    .slice(0, length);
