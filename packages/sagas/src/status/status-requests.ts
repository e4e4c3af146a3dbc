import type {
  AttributeValue,
  DeleteItemCommandInput,
  PutItemCommandInput,
  QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type SagaKeySpace, shardOf } from '../deadlines/deadline-requests.js';

/**
 * The index of running saga instances, for operators ("which sagas are stuck?"), in the read-model
 * table: one item per running instance in one of `shards` partitions (`sst#<saga>#<shard>`, sort
 * key the saga id), written when each step is carried out and deleted when the saga ends. A hint:
 * listing reads each instance's stream for the truth.
 */
export const STATUS_PREFIX = 'sst';

export interface RunningSaga {
  readonly sagaId: string;
  /** The saga stream's version the item was written at. */
  readonly version: number;
  /** When that step was recorded. */
  readonly since: string;
}

export const statusShardKey = (sagaName: string, shard: number): string =>
  `${STATUS_PREFIX}#${sagaName}#${shard}`;

type Table = SagaKeySpace;

const keyOf = (table: Table, sagaId: string): Record<string, AttributeValue> => ({
  pk: { S: statusShardKey(table.sagaName, shardOf(sagaId, table.shards)) },
  sk: { S: sagaId },
});

/**
 * Records a running instance at a step. Only forward: a redelivered older step never overwrites a
 * newer one (a condition on the version the item holds; a failed condition is not an error).
 */
export function putRunning(table: Table, saga: RunningSaga): PutItemCommandInput {
  return {
    TableName: table.tableName,
    Item: {
      ...keyOf(table, saga.sagaId),
      sagaId: { S: saga.sagaId },
      version: { N: String(saga.version) },
      since: { S: saga.since },
    },
    ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
    ExpressionAttributeValues: { ':version': { N: String(saga.version) } },
  };
}

/** Removes an instance that ended. */
export function deleteRunning(table: Table, sagaId: string): DeleteItemCommandInput {
  return { TableName: table.tableName, Key: keyOf(table, sagaId) };
}

/** One page of a shard's running instances. */
export function queryRunning(
  table: Table,
  shard: number,
  startKey?: Record<string, AttributeValue>,
): QueryCommandInput {
  return {
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: statusShardKey(table.sagaName, shard) } },
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  };
}

export function decodeRunning(item: Record<string, AttributeValue>): RunningSaga | undefined {
  const sagaId = item.sagaId?.S;
  const version = Number(item.version?.N);
  const since = item.since?.S;
  return sagaId && since && Number.isSafeInteger(version) ? { sagaId, version, since } : undefined;
}
