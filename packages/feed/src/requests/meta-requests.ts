import type {
  GetItemCommandInput,
  PutItemCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { metaKey } from '../codec/keys.js';
import { encodeMetaItem, type FeedMeta } from '../codec/meta-item.js';

export const getMetaRequest = (tableName: string): GetItemCommandInput => ({
  TableName: tableName,
  Key: metaKey(),
  ConsistentRead: true,
});

/** Creates the meta item unless it exists; a racing creator gets the stored one back (`ALL_OLD`). */
export const createMetaRequest = (tableName: string, meta: FeedMeta): PutItemCommandInput => ({
  TableName: tableName,
  Item: encodeMetaItem(meta),
  ConditionExpression: 'attribute_not_exists(p)',
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
});

/** Moves the head hint forward, never back (one small write per epoch). */
export const advanceHeadRequest = (tableName: string, epoch: number): UpdateItemCommandInput => ({
  TableName: tableName,
  Key: metaKey(),
  UpdateExpression: 'SET h = :h',
  ConditionExpression: 'attribute_exists(p) AND h < :h',
  ExpressionAttributeValues: { ':h': { N: String(epoch) } },
});
