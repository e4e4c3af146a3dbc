import type { GetItemCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { checkpointKey } from '../codec/keys.js';

export const getCheckpointRequest = (tableName: string, name: string): GetItemCommandInput => ({
  TableName: tableName,
  Key: checkpointKey(name),
  ConsistentRead: true,
});

/**
 * Saves a subscription's position, only forward: a second instance of the same subscription that
 * runs behind (or a retried save) never moves the checkpoint back.
 */
export const saveCheckpointRequest = (
  tableName: string,
  checkpoint: { name: string; position: number; at: number },
): UpdateItemCommandInput => ({
  TableName: tableName,
  Key: checkpointKey(checkpoint.name),
  UpdateExpression: 'SET q = :q, w = :w',
  ConditionExpression: 'attribute_not_exists(q) OR q < :q',
  ExpressionAttributeValues: { ':q': { N: String(checkpoint.position) }, ':w': { N: String(checkpoint.at) } },
});
