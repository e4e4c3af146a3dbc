import { CorruptFeedError } from '../errors.js';
import { type Item, metaKey } from './keys.js';

/**
 * The feed's one meta item: `e` positions per epoch (fixed when the first batch is written, so every
 * reader finds batches under the same keys) and `h` an epoch known to hold a batch, a hint where
 * the end of the feed is (a lower bound: readers walk on from it).
 */
export interface FeedMeta {
  readonly epochSize: number;
  readonly headEpoch: number;
}

export function encodeMetaItem(meta: FeedMeta): Item {
  return { ...metaKey(), e: { N: String(meta.epochSize) }, h: { N: String(meta.headEpoch) } };
}

/** @throws CorruptFeedError when the meta item is malformed. */
export function decodeMetaItem(item: Item): FeedMeta {
  const epochSize = Number(item.e?.N);
  const headEpoch = Number(item.h?.N ?? 0);
  if (
    !Number.isSafeInteger(epochSize) ||
    epochSize < 1 ||
    !Number.isSafeInteger(headEpoch) ||
    headEpoch < 0
  ) {
    throw new CorruptFeedError(`the meta item is malformed (e=${item.e?.N}, h=${item.h?.N})`);
  }
  return { epochSize, headEpoch };
}
