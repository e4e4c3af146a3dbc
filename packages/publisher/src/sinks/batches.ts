import { MessageTooLargeError } from '../errors.js';
import type { OutgoingMessage, Sink } from './sink.js';

/**
 * Splits messages into requests within the sink's limits, in order (greedy: a request is closed
 * when the next entry would exceed its entry count or bytes). Pure. An entry exactly at a limit fits.
 *
 * @throws MessageTooLargeError for an entry over `maxEntryBytes` (claim-check it first).
 */
export function planBatches(sink: Sink, messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const { maxEntries, maxRequestBytes, maxEntryBytes } = sink.limits;
  const batches: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sink.entryBytes(message);
    if (size > maxEntryBytes) {
      throw new MessageTooLargeError({
        messageId: message.id,
        sink: sink.name,
        sizeBytes: size,
        limitBytes: maxEntryBytes,
      });
    }
    if (current.length > 0 && (current.length === maxEntries || bytes + size > maxRequestBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
