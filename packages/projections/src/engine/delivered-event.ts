import {
  decodeEventItem,
  type EventItem,
  readEventHeader,
  type StoredEvent,
  type UpcasterChain,
} from '@dynamo-es/event-store';

/**
 * An event known only by its header: either its type is one no projection of the run handles (its
 * body was never decoded), or it cannot be applied at all (`error`: its body cannot be decoded or
 * upcast, or its version is missing from the store, in which case `type` is `''`).
 */
export interface EventStub {
  readonly stub: true;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  /** `''` when unknown (a missing version). */
  readonly type: string;
  readonly error?: unknown;
}

/** An event as delivered or read, decoded and upcast, or a stub. */
export type DeliveredEvent = StoredEvent | EventStub;

export const isStub = (event: DeliveredEvent): event is EventStub => 'stub' in event;

/** Which event types the run decodes (the others stay stubs: their body is never read). */
export type WantedTypes = (type: string) => boolean;

/**
 * Decodes an item of the events table (a stream image, a read or scanned item) with the event
 * store's codec: `undefined` for items that are not events (snapshots, other item types). The
 * header is read first, so an event of a type nobody handles is never decoded, and one that cannot
 * be decoded or upcast keeps its header (with the error) to be retried and dead-lettered by the
 * projections that handle its type, and skipped by the others.
 */
export function decodeEvent(
  item: EventItem,
  upcasters: UpcasterChain,
  wanted: WantedTypes,
): DeliveredEvent | undefined {
  const header = readEventHeader(item);
  if (!header) return undefined;
  const { streamId, version, eventId, type } = header;
  if (!wanted(type)) return { stub: true, streamId, version, eventId, type };
  try {
    return upcasters.upcast(decodeEventItem(item));
  } catch (error) {
    return { stub: true, streamId, version, eventId, type, error };
  }
}
