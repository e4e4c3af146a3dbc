import { decodeEventItem, type EventItem, readEventHeader, type UpcasterChain } from '@dynamo-es/event-store';
import type { DeliveredEvent } from './types.js';

/**
 * Decodes an item of the events table (read, scanned, or a stream image) with the event store's
 * codec and upcasters; `undefined` for items that are not events (snapshots, other item types).
 * An event that cannot be decoded or upcast is kept as undecodable, with the header the codec
 * could read, so it is retried and eventually dead-lettered instead of silently left out.
 */
export function decodeEvent(item: EventItem, upcasters: UpcasterChain): DeliveredEvent | undefined {
  const header = readEventHeader(item);
  if (!header) return undefined;
  try {
    return upcasters.upcast(decodeEventItem(item));
  } catch (error) {
    return { undecodable: true, ...header, error };
  }
}
