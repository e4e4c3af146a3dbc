import { batchEnd } from '../codec/batch-item.js';
import { epochOf } from '../codec/keys.js';
import type { FeedMeta } from '../codec/meta-item.js';
import type { FeedLog } from '../indexer/feed-log.js';

/**
 * Where reading from `position` starts: the first position of the batch that holds it, or, when
 * the feed does not reach `position` yet, its end (the first position of the next batch, which a
 * reader then waits for). Two `Query`s at most (`Limit: 1`): the batch at or before `position` in
 * its epoch, else the last batch of the epoch before (a batch holds fewer events than an epoch,
 * so it reaches one epoch further at most).
 */
export async function locate(
  log: FeedLog,
  meta: FeedMeta,
  position: number,
  consistentRead: boolean,
): Promise<number> {
  if (position <= 1) return 1;
  const epochSize = meta.epochSize;
  const epoch = epochOf(position, epochSize);
  let batch = await log.table.batchAtOrBefore(epoch, position, epochSize, consistentRead);
  if (!batch && epoch > epochOf(1, epochSize)) {
    batch = await log.table.batchAtOrBefore(epoch - 1, position, epochSize, consistentRead);
  }
  if (!batch) {
    // Nothing in the last two epochs up to `position`: the feed ends further back.
    const latest = await log.latest();
    return latest ? batchEnd(latest) : 1;
  }
  // `position` past the batch found means no batch follows it yet (it would have been found).
  return position < batchEnd(batch) ? batch.first : batchEnd(batch);
}
