import { mapLimit } from '@dynamo-es/event-store';
import { PENDING_SHARDS, type ProjectionRef, pendingKey } from '../keys.js';
import { markPendingTransaction, pendingQuery } from '../requests/read-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';

const MARKERS_PER_TRANSACTION = 99;

/**
 * Marks streams that got events while a rebuild owns the version, so the rebuild catches them up
 * once it is done. Returns `false` when the version stopped building (apply instead).
 */
export async function markPending(
  table: ReadModelTable,
  ref: ProjectionRef,
  streamIds: readonly string[],
): Promise<boolean> {
  for (let start = 0; start < streamIds.length; start += MARKERS_PER_TRANSACTION) {
    const chunk = streamIds.slice(start, start + MARKERS_PER_TRANSACTION);
    if ((await table.write(markPendingTransaction(table.tableName, ref, chunk))) === 'conflict') return false;
  }
  return true;
}

/** Every stream marked pending for a version, from its 16 shards. */
export async function pendingStreams(table: ReadModelTable, ref: ProjectionRef): Promise<string[]> {
  const shards = Array.from({ length: PENDING_SHARDS }, (_, shard) => shard);
  const items = await mapLimit(shards, 4, (shard) => table.query(pendingQuery(ref, shard)));
  return items.flat().flatMap((item) => (item.streamId?.S ? [item.streamId.S] : []));
}

/** Deletes the markers of streams that were caught up. */
export async function clearPending(
  table: ReadModelTable,
  ref: ProjectionRef,
  streamIds: readonly string[],
): Promise<void> {
  await table.batchWrite(
    streamIds.map((streamId) => ({ DeleteRequest: { Key: pendingKey(ref, streamId) } })),
  );
}
