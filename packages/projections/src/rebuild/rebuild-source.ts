import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from '@dynamo-es/event-store';
import type { EventRangeReader } from '../engine/contiguous-events.js';
import type { DeliveredEvent, EventStub } from '../engine/delivered-event.js';

/**
 * An ordered source of a rebuild's events, read instead of a scan of the events table: e.g. the
 * `Feed` of `@dynamo-es/feed`, as it is (no adapter, and no dependency either way). Its promise:
 * from any position, every event of the types asked for, each stream in version order, none twice,
 * in pages that say where reading goes on (`end`); the versions it leaves out are of other types.
 * Asked with `undecodable: 'yield'`, it hands an event it cannot decode or upcast back in its place
 * as an {@link UndecodableSourceEvent}, which the rebuild dead-letters like a scan does (a source
 * that throws instead fails the rebuild, to be resumed once the event is repaired).
 *
 * @example
 * const source: RebuildEventSource = new Feed({ client, tableName: 'events-feed', eventStore });
 * await readModels.rebuild(accountsV2, { source });
 */
export interface RebuildEventSource {
  readPages(options: {
    readonly fromPosition: number;
    readonly filter: { readonly types: readonly string[] };
    readonly undecodable: 'yield';
  }): AsyncIterable<{
    readonly items: readonly (StoredEvent | UndecodableSourceEvent)[];
    readonly end: number;
  }>;
}

/** An event of a source that cannot be decoded or upcast: its header, and why. */
export interface UndecodableSourceEvent {
  readonly undecodable: true;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly error: unknown;
}

/** A source's event as the engine takes it: an undecodable one becomes a stub with its error. */
function delivered(event: StoredEvent | UndecodableSourceEvent): DeliveredEvent {
  if (!('undecodable' in event) || event.undecodable !== true) return event as StoredEvent;
  const { streamId, version, eventId, type, error } = event;
  const stub: EventStub = { stub: true, streamId, version, eventId, type, error };
  return stub;
}

/** A page of a source, as the rebuild applies it: events, and where the next page starts (none: done). */
export interface SourcePage {
  readonly events: readonly DeliveredEvent[];
  readonly next: Record<string, AttributeValue> | undefined;
}

/** A source's position as a rebuild records it (in the place a scan's start key goes). */
export const sourcePositionKey = (position: number): Record<string, AttributeValue> => ({
  position: { N: String(position) },
});

/** The position recorded by {@link sourcePositionKey} (0: the beginning). */
export const sourcePosition = (key: Record<string, AttributeValue> | undefined): number =>
  Number(key?.position?.N ?? 0);

/**
 * Reads a source from `fromPosition` on, only the projection's types, a page at a time: each page
 * is handed over with the position after it, the last one with none (so the rebuild knows it is
 * done). Once `signal` aborts, no page is handed over any more.
 */
export async function readSource(options: {
  readonly source: RebuildEventSource;
  readonly types: readonly string[];
  readonly fromPosition: number;
  readonly signal?: AbortSignal;
  readonly onPage: (page: SourcePage) => Promise<void>;
}): Promise<void> {
  const { source, types, fromPosition, signal } = options;
  let held: { events: readonly DeliveredEvent[]; end: number } | undefined;
  for await (const page of source.readPages({ fromPosition, filter: { types }, undecodable: 'yield' })) {
    if (signal?.aborted) return;
    if (held) await options.onPage({ events: held.events, next: sourcePositionKey(held.end) });
    held = { events: page.items.map(delivered), end: page.end };
  }
  if (signal?.aborted) return;
  await options.onPage({ events: held?.events ?? [], next: undefined });
}

/** The stub of a version a source left out: of a type the projection does not handle, so it is gone past. */
const SKIPPED_TYPE = '(a type the projection does not handle)';

/**
 * The range reader of a rebuild from a source: a version a stream skips was left out by the source
 * because of its type (its promise), so it is gone past without reading the events table. A scan
 * delivers every event, so its rebuilds read real gaps instead.
 */
export const skippedByType: EventRangeReader = async (streamId, from, to) => {
  if (to === undefined) return [];
  return Array.from({ length: to - from + 1 }, (_, index) => ({
    stub: true as const,
    streamId,
    version: from + index,
    eventId: '',
    type: SKIPPED_TYPE,
  }));
};
