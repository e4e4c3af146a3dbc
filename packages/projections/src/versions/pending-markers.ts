import { type DeleteRequest, QueryCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { PENDING_SHARDS, type ProjectionRef, pendingKey, pendingPartition, versionKey } from '../keys.js';
import type { ReadModelTable } from '../storage/read-model-table.js';

const MARKERS_PER_TRANSACTION = 99;

/**
 * Marks streams that got events while a rebuild owns the version, so the rebuild catches them
 * up when it is done. Each transaction checks that the version is still `building`: a marker
 * written after the rebuild looked for markers would never be seen, so that must fail. Returns
 * `false` when the version stopped building (apply instead).
 */
export async function markPending(
  table: ReadModelTable,
  ref: ProjectionRef,
  streamIds: readonly string[],
): Promise<boolean> {
  for (let start = 0; start < streamIds.length; start += MARKERS_PER_TRANSACTION) {
    const actions: TransactWriteItem[] = [
      {
        ConditionCheck: {
          TableName: table.tableName,
          Key: versionKey(ref),
          ConditionExpression: '#status = :building',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':building': { S: 'building' } },
        },
      },
      ...streamIds.slice(start, start + MARKERS_PER_TRANSACTION).map(
        (streamId): TransactWriteItem => ({
          Put: {
            TableName: table.tableName,
            Item: { ...pendingKey(ref, streamId), streamId: { S: streamId } },
          },
        }),
      ),
    ];
    const outcome = await table.transactWrite(actions);
    if (outcome.kind === 'conflict') return false;
  }
  return true;
}

/** Every stream marked pending for a version, shard by shard. */
export async function pendingStreams(table: ReadModelTable, ref: ProjectionRef): Promise<string[]> {
  const streams: string[] = [];
  for (let shard = 0; shard < PENDING_SHARDS; shard++) {
    let ExclusiveStartKey: Record<string, never> | undefined;
    do {
      const output = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': { S: pendingPartition(ref, shard) } },
          ConsistentRead: true,
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      for (const item of output.Items ?? []) if (item.streamId?.S) streams.push(item.streamId.S);
      ExclusiveStartKey = output.LastEvaluatedKey as Record<string, never> | undefined;
    } while (ExclusiveStartKey);
  }
  return streams;
}

/** Deletes the markers of streams that were caught up. */
export async function clearPending(
  table: ReadModelTable,
  ref: ProjectionRef,
  streamIds: readonly string[],
): Promise<void> {
  const requests = streamIds.map((streamId) => ({
    DeleteRequest: { Key: pendingKey(ref, streamId) } satisfies DeleteRequest,
  }));
  await table.batchWrite(requests);
}
