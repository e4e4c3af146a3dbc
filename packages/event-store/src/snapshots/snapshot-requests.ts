import type { GetItemCommandInput, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { SnapshotItem } from './snapshot-item.js';

/**
 * `PutItem` of a stream's snapshot that never replaces a newer one.
 *
 * Why this condition: snapshots are written after appends by any number of processes, in any
 * order, so a slow writer may arrive with an older version than the one stored. The put goes
 * through when there is no snapshot yet, when it is newer, or when it has the same version but
 * another schema version (a deployment that changed the state shape re-snapshots the same
 * version). An equal or older snapshot is refused by DynamoDB itself, with no read first.
 *
 * @example
 * await client.send(new PutItemCommand(buildPutSnapshot('snapshots', item)));
 */
export function buildPutSnapshot(tableName: string, item: SnapshotItem): PutItemCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression:
      'attribute_not_exists(#streamId) OR #version < :version OR (#version = :version AND #schemaVersion <> :schemaVersion)',
    ExpressionAttributeNames: {
      '#streamId': 'streamId',
      '#version': 'version',
      '#schemaVersion': 'schemaVersion',
    },
    ExpressionAttributeValues: {
      ':version': item.version as { N: string },
      ':schemaVersion': item.schemaVersion as { N: string },
    },
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
  return { TableName: tableName, Key: { streamId: { S: streamId } }, ConsistentRead: consistentRead };
}
