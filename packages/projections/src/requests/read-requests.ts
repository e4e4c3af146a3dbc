import type { AttributeValue, QueryCommandInput, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  DEAD_LETTER_INDEX,
  deadLetterIndexKey,
  deadLetterKey,
  type ProjectionRef,
  pendingKey,
  pendingPartition,
  versionKey,
} from '../keys.js';

type Query = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/**
 * A version's dead letters: one stream's share one partition of the table (strongly consistent);
 * all of them need the sparse `deadLetters` index, which is eventually consistent.
 */
export function deadLettersQuery(ref: ProjectionRef, streamId?: string): Query {
  if (streamId !== undefined) {
    return {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': deadLetterKey(ref, streamId, 0).pk as AttributeValue },
      ConsistentRead: true,
    };
  }
  return {
    IndexName: DEAD_LETTER_INDEX,
    KeyConditionExpression: '#projection = :projection',
    ExpressionAttributeNames: { '#projection': 'dlProjection' },
    ExpressionAttributeValues: { ':projection': { S: deadLetterIndexKey(ref) } },
  };
}

/** One shard of the streams marked pending during a version's rebuild. */
export function pendingQuery(ref: ProjectionRef, shard: number): Query {
  return {
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': { S: pendingPartition(ref, shard) } },
    ConsistentRead: true,
  };
}

/**
 * Marks streams pending while a rebuild owns the version, in one transaction that checks the
 * version is still `building`: a marker written after the rebuild looked for markers would never
 * be seen, so that write must fail (the handler then applies instead).
 */
export function markPendingTransaction(
  tableName: string,
  ref: ProjectionRef,
  streamIds: readonly string[],
): TransactWriteItem[] {
  return [
    {
      ConditionCheck: {
        TableName: tableName,
        Key: versionKey(ref),
        ConditionExpression: '#status = :building',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':building': { S: 'building' } },
      },
    },
    ...streamIds.map(
      (streamId): TransactWriteItem => ({
        Put: { TableName: tableName, Item: { ...pendingKey(ref, streamId), streamId: { S: streamId } } },
      }),
    ),
  ];
}

/** A `Scan` filter for the items whose partition key starts with one of `prefixes`. */
export function prefixFilter(prefixes: readonly string[]) {
  return {
    FilterExpression: prefixes.map((_, index) => `begins_with(#pk, :p${index})`).join(' OR '),
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: Object.fromEntries(
      prefixes.map((prefix, index) => [`:p${index}`, { S: prefix }]),
    ),
  };
}
