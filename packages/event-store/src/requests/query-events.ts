import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * A version range of one stream to read (see {@link buildEventQuery}).
 *
 * @example
 * const query: EventQuery = { streamId: 'account-1', lowest: 5, highest: 9, forward: true, consistentRead: true };
 */
export interface EventQuery {
  readonly streamId: string;
  /** Lowest and highest version to read, inclusive. */
  readonly lowest: number;
  readonly highest: number;
  readonly forward: boolean;
  readonly limit?: number;
  readonly consistentRead: boolean;
  readonly startKey?: QueryCommandInput['ExclusiveStartKey'];
}

/**
 * A `Query` for a version range of one stream; DynamoDB returns at most 1 MB per page. Pure: the
 * event store reads with it, and projections read gap ranges as raw items with it (to decode each
 * one with {@link readEventHeader} first).
 *
 * @example
 * const page = await client.send(new QueryCommand(buildEventQuery('events', { streamId, lowest: 5, highest: 9, forward: true, consistentRead: true })));
 */
export function buildEventQuery(tableName: string, query: EventQuery): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#s = :s AND #v BETWEEN :lowest AND :highest',
    ExpressionAttributeNames: { '#s': 's', '#v': 'v' },
    ExpressionAttributeValues: {
      ':s': { S: query.streamId },
      ':lowest': { N: String(query.lowest) },
      ':highest': { N: String(query.highest) },
    },
    ScanIndexForward: query.forward,
    ConsistentRead: query.consistentRead,
    ...(query.limit === undefined ? {} : { Limit: query.limit }),
    ...(query.startKey === undefined ? {} : { ExclusiveStartKey: query.startKey }),
  };
}

/**
 * The last `count` events of a stream (newest first), read consistently: its head, for
 * `'any'`/`'exists'` appends and for reporting a stream's version.
 */
export function buildHeadQuery(tableName: string, streamId: string, count: number): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#s = :s',
    ExpressionAttributeNames: { '#s': 's' },
    ExpressionAttributeValues: { ':s': { S: streamId } },
    ScanIndexForward: false,
    ConsistentRead: true,
    Limit: count,
  };
}
