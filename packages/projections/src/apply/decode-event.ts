import { decodeEventItem, type EventItem, isEventItem, type UpcasterChain } from '@dynamo-es/event-store';
import type { DeliveredEvent } from './types.js';

/**
 * Decodes an item of the events table (read, scanned, or a stream image) with the event store's
 * codec and upcasters; `undefined` for items that are not events (snapshots, other item types).
 * An event that cannot be decoded or upcast is kept as undecodable, so it is retried and
 * eventually dead-lettered instead of silently left out.
 */
export function decodeEvent(item: EventItem, upcasters: UpcasterChain): DeliveredEvent | undefined {
  if (!isEventItem(item)) return undefined;
  try {
    return upcasters.upcast(decodeEventItem(item));
  } catch (error) {
    const version = Number(item.version?.N);
    if (!Number.isSafeInteger(version) || version < 1) return undefined;
    return {
      undecodable: true,
      streamId: item.streamId?.S ?? '',
      version,
      eventId: item.eventId?.S ?? '',
      type: item.type?.S ?? '',
      error,
    };
  }
}
