import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { eventItems, toStreamRecord } from '../../../projections/test/support/stream-records.js';

export { eventItems, toStreamRecord };

/** The records of some streams' events, in version order per stream, streams one after another. */
export async function recordsOf(
  client: DynamoDBClient,
  tableName: string,
  streamIds: readonly string[],
): Promise<DynamoDBRecord[]> {
  return (await eventItems(client, tableName, streamIds)).map((item) => toStreamRecord(item, tableName));
}
