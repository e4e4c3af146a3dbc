import type { PutItemCommandInput, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { type Item, typeKey } from '../codec/keys.js';

/**
 * Writes a type index item, unconditionally: it is derived from a batch, which never changes, so
 * writing it twice (two writers applying the same batch, a retry after a lost answer) writes the
 * same item, and a condition would only add a failure to handle.
 */
export const putTypeItemRequest = (tableName: string, item: Item): PutItemCommandInput => ({
  TableName: tableName,
  Item: item,
});

/**
 * One type's index items in one epoch whose first position is in `from` .. `to`, oldest first,
 * 1 MB per page. Always strongly consistent: type items carry no chain a reader could check for a
 * replica that has not seen one yet (batches do), and they are small, so consistency costs little.
 */
export function typeItemsQuery(
  tableName: string,
  options: { epoch: number; type: string; from: number; to: number; startKey?: Item },
): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: 'p = :p AND n BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':p': typeKey(options.epoch, options.type),
      ':from': { N: String(options.from) },
      ':to': { N: String(options.to) },
    },
    ConsistentRead: true,
    ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
  };
}
