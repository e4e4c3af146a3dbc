import { type Batch, batchEnd } from '../codec/batch-item.js';
import { epochOf, type Item } from '../codec/keys.js';
import type { FeedMeta } from '../codec/meta-item.js';
import type { FeedTable } from '../dynamodb/feed-table.js';
import { CorruptFeedError } from '../errors.js';

/** Batches as read, one `Query` page at a time, and where the next read starts. */
export interface BatchPage {
  readonly batches: readonly Batch[];
  /** The first position after the last batch of the page: the next batch's. */
  readonly end: number;
}

/**
 * Reads batches in order from the batch starting at `from` to the end of the feed, one `Query`
 * page (up to 1 MB of batches) at a time, epoch after epoch. Each batch must start where the one
 * before it ended: a break is a replica that has not seen a batch yet (eventually consistent reads:
 * read that epoch again consistently) or, with consistent reads, a corrupt feed.
 */
export async function* readBatches(
  table: FeedTable,
  meta: FeedMeta,
  options: { from: number; consistentRead: boolean },
): AsyncGenerator<BatchPage> {
  const epochSize = meta.epochSize;
  const read = { cursor: options.from, consistentRead: options.consistentRead, broken: false };
  for (;;) {
    const epoch = epochOf(read.cursor, epochSize);
    yield* readEpoch(table, epochSize, epoch, read);
    if (read.broken) {
      if (read.consistentRead) {
        throw new CorruptFeedError(
          `no batch starts at position ${read.cursor}, but a later one in epoch ${epoch} does`,
        );
      }
      Object.assign(read, { consistentRead: true, broken: false });
      continue;
    }
    // The next batch would start at the cursor: in this epoch the query would have returned it.
    if (epochOf(read.cursor, epochSize) === epoch) return;
  }
}

/** The batches of one epoch from the cursor on, as long as each starts where the one before ended. */
async function* readEpoch(
  table: FeedTable,
  epochSize: number,
  epoch: number,
  read: { cursor: number; consistentRead: boolean; broken: boolean },
): AsyncGenerator<BatchPage> {
  let startKey: Item | undefined;
  do {
    const page = await table.batchPage(
      { epoch, from: read.cursor, consistentRead: read.consistentRead, ...(startKey ? { startKey } : {}) },
      epochSize,
    );
    const batches: Batch[] = [];
    for (const batch of page.batches) {
      if (batch.first !== read.cursor) {
        read.broken = true;
        break;
      }
      batches.push(batch);
      read.cursor = batchEnd(batch);
    }
    if (batches.length > 0) yield { batches, end: read.cursor };
    startKey = read.broken ? undefined : page.next;
  } while (startKey);
}
