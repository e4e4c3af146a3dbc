import type { GetItemCommandInput, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { IdempotencyItem } from './record-item.js';

/**
 * `PutItem` of an idempotency record that fails when the key is taken: alone (a keyed command that
 * decided no events) or as the `Put` of the append's transaction, so the record exists if and only
 * if the events do. `ALL_OLD` returns the record that holds the key, at no extra cost: the caller
 * learns what the key was first used for without a read.
 *
 * Why the condition allows an expired record: with `expireAfterSeconds`, a record past its expiry
 * no longer counts (DynamoDB TTL deletes it within days, not at once), so its key is free again.
 *
 * @example
 * await client.send(new PutItemCommand(buildPutIdempotencyRecord('keys', item, Date.now())));
 */
export function buildPutIdempotencyRecord(
  tableName: string,
  item: IdempotencyItem,
  nowMs: number,
): PutItemCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#k) OR #x < :now',
    ExpressionAttributeNames: { '#k': 'k', '#x': 'x' },
    ExpressionAttributeValues: { ':now': { N: String(Math.floor(nowMs / 1000)) } },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * `GetItem` of a key's record, strongly consistent: a retry must see a record written a moment ago
 * by the attempt whose answer it never got.
 *
 * @example
 * const output = await client.send(new GetItemCommand(buildGetIdempotencyRecord('keys', 'req-42')));
 */
export function buildGetIdempotencyRecord(tableName: string, key: string): GetItemCommandInput {
  return { TableName: tableName, Key: { k: { S: key } }, ConsistentRead: true };
}
