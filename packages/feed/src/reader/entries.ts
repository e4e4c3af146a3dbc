import type { Batch } from '../codec/batch-item.js';
import type { EntryMatcher } from './filter.js';

/** One event as the feed lists it: its position, stream, version and type (no body). */
export interface FeedEntry {
  readonly position: number;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
}

/** The entries of some batches at or after `fromPosition` that match, in position order. */
export function matchingEntries(
  batches: readonly Batch[],
  fromPosition: number,
  matches: EntryMatcher,
): FeedEntry[] {
  const entries: FeedEntry[] = [];
  for (const batch of batches) {
    let position = batch.first;
    for (const entry of batch.entries) {
      const { streamId, fromVersion, types } = entry;
      for (let index = 0; index < types.length; index++, position++) {
        const type = types[index] as string;
        if (position >= fromPosition && matches(streamId, type)) {
          entries.push({ position, streamId, version: fromVersion + index, type });
        }
      }
    }
  }
  return entries;
}
