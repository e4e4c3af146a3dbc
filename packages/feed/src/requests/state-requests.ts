import type {
  AttributeValue,
  KeysAndAttributes,
  ScanCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { KeyPrefix, stateKey } from '../codec/keys.js';

/**
 * Raises a stream's state to `version` at `position`. The condition makes it monotonic and
 * idempotent: applying a batch twice, or an old batch after newer ones (a paused indexer waking
 * up), is a no-op, so a state never claims less than the feed holds.
 */
export function raiseStateRequest(
  tableName: string,
  state: { streamId: string; version: number; position: number },
): UpdateItemCommandInput {
  return {
    TableName: tableName,
    Key: stateKey(state.streamId),
    UpdateExpression: 'SET v = :v, q = :q',
    ConditionExpression: 'attribute_not_exists(v) OR v < :v',
    ExpressionAttributeValues: { ':v': { N: String(state.version) }, ':q': { N: String(state.position) } },
  };
}

/** Consistent reads of some streams' states (at most 100 keys: one `BatchGetItem`). */
export function statesKeys(streamIds: readonly string[]): KeysAndAttributes {
  return { Keys: streamIds.map(stateKey), ConsistentRead: true };
}

/**
 * A page of a scan of the feed table that keeps its stream states and type index items (for the
 * validator). The scan is billed for every item it reads, batches included, so keeping both kinds
 * costs nothing more than one of them.
 */
export function scanStatesRequest(
  tableName: string,
  options: { consistentRead: boolean; startKey?: Record<string, AttributeValue> },
): ScanCommandInput {
  return {
    TableName: tableName,
    FilterExpression: 'begins_with(p, :state) OR begins_with(p, :type)',
    ExpressionAttributeValues: { ':state': { S: KeyPrefix.State }, ':type': { S: KeyPrefix.Type } },
    ConsistentRead: options.consistentRead,
    ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
  };
}
