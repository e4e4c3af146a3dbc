import type {
  AppendResult,
  EventMetadata,
  EventShape,
  EventStore,
  IdempotencyKey,
  NewEvent,
  NewEventOf,
  StoredEvent,
  StreamAppend,
} from '@dynamo-es/event-store';
import type { LoadedStream, StreamKind } from './loaded-stream.js';
import { remember } from './stream-loader.js';

/** What a command decided for one stream: its new events and the state after them. */
export interface StreamDecision<S, E extends EventShape> {
  readonly events: readonly NewEventOf<E>[];
  readonly state: S;
}

/** A stream after a command: its new state and version, and the events stored for it. */
export interface SavedStream<S, E extends EventShape> extends LoadedStream<S> {
  readonly events: StoredEvent<E>[];
}

/**
 * Stores what a command decided for its streams, each at the version it was decided on: one
 * conditional `PutItem` for one event of one stream (unkeyed), else one `appendMany` transaction in
 * which streams without events are checks that they have not moved, and the idempotency record,
 * when there is a key, is written with the events. Then takes the snapshots that are due and
 * caches the new states. Sends nothing when nothing was decided and there is no key.
 *
 * @throws ConcurrencyError when a stream moved; IdempotencyKeyExistsError when the key is taken.
 */
export async function saveStreams<S, E extends EventShape>(
  store: EventStore,
  kind: StreamKind<S, E>,
  streams: readonly LoadedStream<S>[],
  decisions: readonly StreamDecision<S, E>[],
  options: { readonly metadata?: EventMetadata; readonly idempotency?: IdempotencyKey },
): Promise<SavedStream<S, E>[]> {
  const { metadata, idempotency } = options;
  const appends: StreamAppend[] = streams.map((stream, index) => ({
    streamId: stream.streamId,
    events: withMetadata((decisions[index] as StreamDecision<S, E>).events, metadata),
    expectedVersion: stream.version,
  }));
  let results: AppendResult[];
  if (idempotency === undefined && appends.every((append) => append.events.length === 0)) {
    results = streams.map((stream) => ({ version: stream.version, events: [], duplicate: false }));
  } else if (idempotency === undefined && appends.length === 1) {
    const [append] = appends as [StreamAppend];
    results = [
      await store.append(append.streamId, append.events, { expectedVersion: append.expectedVersion }),
    ];
  } else {
    results = await store.appendMany(appends, idempotency ? { idempotency } : {});
  }
  return Promise.all(
    streams.map(async (stream, index) => {
      const result = results[index] as AppendResult;
      const events = result.events as StoredEvent<E>[];
      const saved: SavedStream<S, E> = {
        ...stream,
        state: (decisions[index] as StreamDecision<S, E>).state,
        version: result.version,
        eventId: events.at(-1)?.eventId ?? stream.eventId,
        unverified: false,
        events,
      };
      return remember(kind, await snapshotIfDue(kind, saved)) as SavedStream<S, E>;
    }),
  );
}

/**
 * Takes a snapshot when the save left the stream `every` or more events past the last one (or the
 * stored one must be replaced). Counted as taken even if the write fails: a broken snapshots table
 * then costs one failed write every `every` events, not one per command.
 */
async function snapshotIfDue<S, E extends EventShape>(
  kind: StreamKind<S, E>,
  saved: SavedStream<S, E>,
): Promise<SavedStream<S, E>> {
  const { snapshots } = kind;
  const { streamId, version, eventId, state } = saved;
  if (!snapshots || eventId === undefined || saved.events.length === 0) return saved;
  if (!saved.replaceSnapshot && !snapshots.isDue(saved.snapshotVersion, version)) return saved;
  await snapshots.take({ streamId, version, eventId, state }, saved.replaceSnapshot);
  return { ...saved, snapshotVersion: version, replaceSnapshot: false };
}

/** Drops the cached states of streams whose save failed (the cache never outlives a failed save). */
export function forgetCached<S, E extends EventShape>(
  kind: StreamKind<S, E>,
  streams: readonly LoadedStream<S>[],
): void {
  for (const stream of streams) kind.cache?.forget(kind.owner, stream.streamId, stream.version);
}

function withMetadata(events: readonly NewEvent[], metadata: EventMetadata | undefined): NewEvent[] {
  if (metadata === undefined) return [...events];
  return events.map((event) => ({ ...event, metadata: { ...metadata, ...event.metadata } }));
}
