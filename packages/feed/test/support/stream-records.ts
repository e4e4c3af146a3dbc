import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';

let sequence = 10n ** 20n;

/**
 * The record Lambda would deliver for the INSERT of a stored event item: the image as JSON (binary
 * as base64), a fresh increasing SequenceNumber, Keys and a stream ARN.
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

function toLambdaImage(item: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      (value.B === undefined
        ? value
        : { B: Buffer.from(value.B).toString('base64') }) as LambdaAttributeValue,
    ]),
  );
}

/** The event items of some streams, read with the raw SDK (version order per stream). */
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

/** The records of some streams' events, in version order per stream, streams one after another. */
export async function recordsOf(
  client: DynamoDBClient,
  tableName: string,
  streamIds: readonly string[],
): Promise<DynamoDBRecord[]> {
  return (await eventItems(client, tableName, streamIds)).map((item) => toStreamRecord(item, tableName));
}
