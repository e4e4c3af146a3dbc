import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';

let sequence = 10n ** 20n;

/**
 * Turns a stored event item into the record Lambda would deliver for its INSERT: the image as
 * JSON (binary as base64), a fresh, increasing SequenceNumber, Keys and the table's stream ARN.
 */
export function toStreamRecord(item: Record<string, AttributeValue>, tableName: string): DynamoDBRecord {
  sequence += 1n;
  const image = toLambdaImage(item);
  return {
    eventID: `event-${sequence}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: `arn:aws:dynamodb:local:000000000000:table/${tableName}/stream/2024-01-01T00:00:00.000`,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { s: image.s as LambdaAttributeValue, v: image.v as LambdaAttributeValue },
      NewImage: image,
      SequenceNumber: String(sequence),
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

/** A copy of a record with a new SequenceNumber: how a redelivery through another shard looks. */
export function withNewSequenceNumber(record: DynamoDBRecord): DynamoDBRecord {
  sequence += 1n;
  return { ...record, dynamodb: { ...record.dynamodb, SequenceNumber: String(sequence) } };
}

/** SDK attribute values to Lambda's JSON form (binary as base64 strings). */
export function toLambdaImage(item: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toLambdaValue(value)]));
}

function toLambdaValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value as LambdaAttributeValue;
}

/** The event items of some streams, read from the events table (version order per stream). */
export async function eventItems(
  client: DynamoDBClient,
  tableName: string,
  streamIds: readonly string[],
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for (const streamId of streamIds) {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 's = :s',
          ExpressionAttributeValues: { ':s': { S: streamId } },
          ConsistentRead: true,
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      items.push(...(output.Items ?? []));
      ExclusiveStartKey = output.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return items;
}

/** Every item of a table (for small test tables). */
export async function scanAll(
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    items.push(...(output.Items ?? []));
    ExclusiveStartKey = output.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
