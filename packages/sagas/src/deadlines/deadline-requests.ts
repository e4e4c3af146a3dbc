import type {
  AttributeValue,
  DeleteItemCommandInput,
  PutItemCommandInput,
  QueryCommandInput,
} from '@aws-sdk/client-dynamodb';

/** A deadline as indexed: which saga instance to wake, which of its deadlines, when. */
export interface IndexedDeadline {
  readonly sagaId: string;
  readonly deadlineId: string;
  /** ISO-8601, as the saga stream recorded it. */
  readonly at: string;
}

/**
 * The deadline index lives in the read-model table (beside the saga's checkpoints), under its own
 * partition-key prefix: one partition per (saga, shard), sorted by due time, so "what is due" is
 * one `Query` per shard (`sk <= now`), never a scan. Sharding by a hash of the saga id spreads the
 * writes: each partition key takes at most 1,000 WCU/s, so N shards take N times that.
 */
export const DEADLINE_PREFIX = 'sdl';

export const shardKey = (sagaName: string, shard: number): string =>
  `${DEADLINE_PREFIX}#${sagaName}#${shard}`;

/** Due time first (the order of the poller), then the deadline id (no `#`) and the saga id (unique). */
export const sortKey = (deadline: IndexedDeadline): string =>
  `${deadline.at}#${deadline.deadlineId}#${deadline.sagaId}`;

/**
 * Where a saga's sharded items live in the read-model table (its deadline index, its index of
 * running instances): the table, the saga's name in their keys, and how many shards spread them.
 */
export interface SagaKeySpace {
  readonly tableName: string;
  readonly sagaName: string;
  readonly shards: number;
}

/**
 * FNV-1a (32 bits) of the saga id, modulo the shard count: stable across processes and releases.
 *
 * @example
 * shardOf('t-42', 8) // the same number in 0..7 everywhere
 */
export function shardOf(sagaId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sagaId.length; i++) {
    hash ^= sagaId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

const keyOf = (
  sagaName: string,
  shards: number,
  deadline: IndexedDeadline,
): Record<string, AttributeValue> => ({
  pk: { S: shardKey(sagaName, shardOf(deadline.sagaId, shards)) },
  sk: { S: sortKey(deadline) },
});

/**
 * Indexes a deadline. Unconditional: the item is derived from the saga stream (which is the truth),
 * so writing it again (a redelivery) writes the same item; ~150 bytes, 1 WCU.
 */
export function putDeadline(input: SagaKeySpace, deadline: IndexedDeadline): PutItemCommandInput {
  return {
    TableName: input.tableName,
    Item: {
      ...keyOf(input.sagaName, input.shards, deadline),
      sagaId: { S: deadline.sagaId },
      deadlineId: { S: deadline.deadlineId },
      at: { S: deadline.at },
    },
  };
}

/** Removes a deadline from the index once fired (or found not pending): 1 WCU. */
export function deleteDeadline(input: SagaKeySpace, deadline: IndexedDeadline): DeleteItemCommandInput {
  return { TableName: input.tableName, Key: keyOf(input.sagaName, input.shards, deadline) };
}

/**
 * The deadlines of one shard due at `now` or before, soonest first. Eventually consistent (half
 * the RCU): an item written a moment ago is found by the next poll, a deleted one seen again is a
 * no-op (the saga's fold says it is not pending).
 */
export function queryDue(input: {
  readonly tableName: string;
  readonly sagaName: string;
  readonly shard: number;
  readonly now: Date;
  readonly limit: number;
  readonly startKey?: Record<string, AttributeValue>;
}): QueryCommandInput {
  return {
    TableName: input.tableName,
    KeyConditionExpression: 'pk = :pk AND sk <= :due',
    ExpressionAttributeValues: {
      ':pk': { S: shardKey(input.sagaName, input.shard) },
      // Every sort key of a deadline due at `now` starts with `now` and then '#', which sorts below '$'.
      ':due': { S: `${input.now.toISOString()}$` },
    },
    Limit: input.limit,
    ...(input.startKey ? { ExclusiveStartKey: input.startKey } : {}),
  };
}

/** Reads an index item back; `undefined` for an item that is not one. */
export function decodeDeadline(item: Record<string, AttributeValue>): IndexedDeadline | undefined {
  const sagaId = item.sagaId?.S;
  const deadlineId = item.deadlineId?.S;
  const at = item.at?.S;
  return sagaId && deadlineId && at ? { sagaId, deadlineId, at } : undefined;
}
