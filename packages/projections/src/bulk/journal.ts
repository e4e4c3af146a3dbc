import { createHash } from 'node:crypto';
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '@dynamo-es/event-store';
import { type ItemKey, JOURNAL_SHARDS, journalPartition, type ProjectionRef, shardOf } from '../keys.js';
import type { Item, ReadModelTable } from '../table/read-model-table.js';

/** What an item of the read model was before a flush: `undefined` when it did not exist. */
export interface JournalEntry {
  readonly key: ItemKey;
  readonly before: Item | undefined;
}

const targetOf = (key: ItemKey) => `${key.pk?.S}\u0000${key.sk?.S}`;

/** The journal item of an entry: partition by generation and shard, sort key a hash of the target key. */
function journalItem(ref: ProjectionRef, runId: string, generation: number, entry: JournalEntry): Item {
  const target = targetOf(entry.key);
  return {
    pk: { S: journalPartition(ref, runId, generation, shardOf(target) % JOURNAL_SHARDS) },
    sk: { S: createHash('sha256').update(target).digest('base64url') },
    tpk: entry.key.pk as AttributeValue,
    tsk: entry.key.sk as AttributeValue,
    ...(entry.before ? { before: { M: entry.before } } : {}),
  };
}

/**
 * Writes the journal of flush `generation` before the flush: what each item it is about to write
 * was. A rebuild that crashes during the flush leaves some items written and its positions not
 * saved; resuming puts those items back as they were (see {@link restoreJournal}) and applies the
 * events after the saved positions again, each exactly once.
 */
export async function writeJournal(
  table: ReadModelTable,
  ref: ProjectionRef,
  runId: string,
  generation: number,
  entries: readonly JournalEntry[],
): Promise<void> {
  await table.batchWrite(
    entries.map((entry) => ({ PutRequest: { Item: journalItem(ref, runId, generation, entry) } })),
  );
}

/** Deletes the journal of a flush whose positions are saved (it is no longer needed). */
export async function dropJournal(
  table: ReadModelTable,
  ref: ProjectionRef,
  runId: string,
  generation: number,
  entries: readonly JournalEntry[],
): Promise<void> {
  const requests: WriteRequest[] = entries.map((entry) => {
    const { pk, sk } = journalItem(ref, runId, generation, entry);
    return { DeleteRequest: { Key: { pk: pk as AttributeValue, sk: sk as AttributeValue } } };
  });
  await table.batchWrite(requests);
}

/**
 * Puts back what a crashed flush had changed: every item its journal names is restored to what it
 * was before (or deleted, if it did not exist), then the journal is deleted. Returns the items restored.
 */
export async function restoreJournal(
  table: ReadModelTable,
  ref: ProjectionRef,
  runId: string,
  generation: number,
): Promise<number> {
  const shards = Array.from({ length: JOURNAL_SHARDS }, (_, shard) => shard);
  const items = (
    await mapLimit(shards, 4, (shard) =>
      table.query({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': { S: journalPartition(ref, runId, generation, shard) } },
        ConsistentRead: true,
      }),
    )
  ).flat();
  const restores: WriteRequest[] = items.map((item) => {
    const key = { pk: item.tpk as AttributeValue, sk: item.tsk as AttributeValue };
    const before = item.before?.M;
    return before ? { PutRequest: { Item: { ...before, ...key } } } : { DeleteRequest: { Key: key } };
  });
  await table.batchWrite(restores);
  await table.batchWrite(items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk!, sk: item.sk! } } })));
  return items.length;
}
