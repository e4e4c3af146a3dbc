import type { GetItemCommandInput, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { SnapshotItem } from './snapshot-item.js';

/**
 * `PutItem` of a stream's snapshot that never replaces a newer one (unless `overwrite`).
 *
 * Why this condition: snapshots are written after appends by any number of processes, in any
 * order, so a slow writer may arrive with an older version than the one stored. The put goes
 * through when there is no snapshot yet, when it is newer, or when it has the same version but
 * another schema version (a deployment that changed the state shape re-snapshots the same
 * version). An equal or older snapshot is refused by DynamoDB itself, with no read first.
 *
 * `overwrite` drops the condition: to replace a snapshot found invalid (ahead of its stream, of
 * another stream's history, undecodable). Replacing a newer valid snapshot with an older valid one
 * is harmless: any true snapshot is correct, a newer one only saves reading a few events.
 *
 * @example
 * await client.send(new PutItemCommand(buildPutSnapshot('snapshots', item)));
 */
export function buildPutSnapshot(
  tableName: string,
  item: SnapshotItem,
  overwrite = false,
): PutItemCommandInput {
  if (overwrite) return { TableName: tableName, Item: item };
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#s) OR #v < :v OR (#v = :v AND #n <> :n)',
    ExpressionAttributeNames: { '#s': 's', '#v': 'v', '#n': 'n' },
    ExpressionAttributeValues: { ':v': item.v as { N: string }, ':n': item.n as { N: string } },
  };
}

/**
 * `GetItem` of a stream's snapshot.
 *
 * Eventually consistent by default: a stale snapshot is still a correct one (loading reads every
 * event after it, consistently), it only means reading a few more events, at half the read cost.
 *
 * @example
 * const output = await client.send(new GetItemCommand(buildGetSnapshot('snapshots', 'account-1', false)));
 */
export function buildGetSnapshot(
  tableName: string,
  streamId: string,
  consistentRead: boolean,
): GetItemCommandInput {
  return { TableName: tableName, Key: { s: { S: streamId } }, ConsistentRead: consistentRead };
}
