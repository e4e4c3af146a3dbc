import type { KeysAndAttributes, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../codec/keys.js';

/** The key of an event item in the events table: stream id `s`, version `v`. */
export const eventKey = (streamId: string, version: number): Item => ({
  s: { S: streamId },
  v: { N: String(version) },
});

/** Reads of some events by key (at most 100: one `BatchGetItem`). */
export function eventKeys(
  keys: readonly { streamId: string; version: number }[],
  consistentRead: boolean,
): KeysAndAttributes {
  return { Keys: keys.map((key) => eventKey(key.streamId, key.version)), ConsistentRead: consistentRead };
}

/**
 * A page of the events table's headers: stream id, version, type. The filter keeps event items
 * only (a body of format 1), so foreign items are never indexed; the projection leaves bodies out
 * of the answer (the read is billed the same, but far fewer bytes travel and are parsed).
 */
export function scanEventHeadersRequest(
  tableName: string,
  options: { segment: number; segments: number; consistentRead: boolean; startKey?: Item },
): ScanCommandInput {
  return {
    TableName: tableName,
    ProjectionExpression: '#s, #v, #t',
    FilterExpression: 'attribute_exists(#b) OR attribute_exists(#z)',
    ExpressionAttributeNames: { '#s': 's', '#v': 'v', '#t': 't', '#b': 'b', '#z': 'z' },
    ConsistentRead: options.consistentRead,
    ...(options.segments > 1 ? { Segment: options.segment, TotalSegments: options.segments } : {}),
    ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
  };
}
