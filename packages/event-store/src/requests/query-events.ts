import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';

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

/** A `Query` for a version range of one stream; DynamoDB returns at most 1 MB per page. */
export function buildEventQuery(tableName: string, query: EventQuery): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#streamId = :streamId AND #version BETWEEN :lowest AND :highest',
    ExpressionAttributeNames: { '#streamId': 'streamId', '#version': 'version' },
    ExpressionAttributeValues: {
      ':streamId': { S: query.streamId },
      ':lowest': { N: String(query.lowest) },
      ':highest': { N: String(query.highest) },
    },
    ScanIndexForward: query.forward,
    ConsistentRead: query.consistentRead,
    ...(query.limit === undefined ? {} : { Limit: query.limit }),
    ...(query.startKey === undefined ? {} : { ExclusiveStartKey: query.startKey }),
  };
}

/** The last `count` events of a stream (newest first): its head, for `'any'`/`'exists'` appends. */
export function buildHeadQuery(tableName: string, streamId: string, count: number): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#streamId = :streamId',
    ExpressionAttributeNames: { '#streamId': 'streamId' },
    ExpressionAttributeValues: { ':streamId': { S: streamId } },
    ScanIndexForward: false,
    ConsistentRead: true,
    Limit: count,
  };
}
