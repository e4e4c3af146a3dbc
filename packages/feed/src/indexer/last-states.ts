import { type Batch, entryTo } from '../codec/batch-item.js';
import type { StreamState } from '../codec/state-item.js';

/**
 * The stream states a batch leaves behind: for each entry, its last version and that version's
 * position. Applying them is what lets the batch stop being the latest.
 */
export function statesOf(batch: Batch): StreamState[] {
  const states: StreamState[] = [];
  let position = batch.first;
  for (const entry of batch.entries) {
    position += entry.types.length;
    states.push({ streamId: entry.streamId, version: entryTo(entry), position: position - 1 });
  }
  return states;
}

/** The highest version of a stream in some batches (0 when none holds it). */
export function versionIn(batches: readonly Batch[], streamId: string): number {
  let version = 0;
  for (const batch of batches) {
    for (const entry of batch.entries) {
      if (entry.streamId === streamId) version = Math.max(version, entryTo(entry));
    }
  }
  return version;
}
