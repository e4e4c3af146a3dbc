import type { PutItemCommandInput, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { epochKey, type Item } from '../codec/keys.js';

/**
 * Writes a batch at its first position, only if no batch is there yet: the one condition that makes
 * positions exact. Two indexers that computed the same next position race for this key and one
 * wins; the loser gets the winner's batch back (`ALL_OLD`, no extra read) and goes on after it.
 * The writer computed the key from the batch before it, which exists and is never deleted, so a
 * batch is never written before its predecessor: readers never see a hole that fills later.
 */
export function putBatchRequest(tableName: string, item: Item): PutItemCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(p)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * The batch with the highest first position at or after `from` in one epoch (`Limit: 1`, newest
 * first): the end of the feed in two requests at most (this epoch, then the next if the batch
 * found reaches into it).
 */
export function lastBatchQuery(tableName: string, epoch: number, from: number): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: 'p = :p AND n >= :from',
    ExpressionAttributeValues: { ':p': epochKey(epoch), ':from': { N: String(from) } },
    ScanIndexForward: false,
    ConsistentRead: true,
    Limit: 1,
  };
}

/** The batch with the highest first position at or before `position` in one epoch: the batch holding it. */
export function batchAtOrBeforeQuery(
  tableName: string,
  epoch: number,
  position: number,
  consistentRead: boolean,
): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: 'p = :p AND n <= :position',
    ExpressionAttributeValues: { ':p': epochKey(epoch), ':position': { N: String(position) } },
    ScanIndexForward: false,
    ConsistentRead: consistentRead,
    Limit: 1,
  };
}

/** Batches of one epoch from first position `from` on, oldest first, 1 MB per page. */
export function batchesQuery(
  tableName: string,
  options: { epoch: number; from: number; consistentRead: boolean; startKey?: Item; limit?: number },
): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: 'p = :p AND n >= :from',
    ExpressionAttributeValues: { ':p': epochKey(options.epoch), ':from': { N: String(options.from) } },
    ConsistentRead: options.consistentRead,
    ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
    ...(options.limit === undefined ? {} : { Limit: options.limit }),
  };
}
