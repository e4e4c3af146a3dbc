import {
  type EventShape,
  type EventStore,
  isEventStoreError,
  type StoredEvent,
} from '@dynamo-es/event-store';
import type { LoadedStream, StreamKind } from './loaded-stream.js';
import type { UsableSnapshot } from './snapshot-policy.js';
import type { StreamFold } from './stream-model.js';

/** Sees every stored event a load folds (a replay picks its command's events out of them). */
export type EventListener<E extends EventShape> = (event: StoredEvent<E>) => void;

/**
 * Loads a stream's state: from the cache (only the events after the cached version are read, or
 * none in optimistic mode), else from its snapshot when there is a usable one, else from the
 * start, folding one page of events at a time (a long stream is never held in memory whole).
 *
 * With a snapshot this is one `GetItem` and one query that starts at the snapshot's own version:
 * the event there must be the one the snapshot names, which proves in the same request that the
 * snapshot belongs to this stream's history (not ahead of it, not another table's). A snapshot
 * that fails that check, or whose state fails to fold the events after it, is rejected (reported
 * once) and the stream is replayed from the start. A cached state is checked the same way.
 */
export async function loadStream<S, E extends EventShape>(
  store: EventStore,
  kind: StreamKind<S, E>,
  streamId: string,
  options: { readonly onEvent?: EventListener<E>; readonly optimistic?: boolean } = {},
): Promise<LoadedStream<S>> {
  const { onEvent, optimistic = false } = options;
  const cached = kind.cache?.read<S>(kind.owner, streamId);
  if (cached && optimistic && kind.cache?.optimistic) {
    return { streamId, ...cached, replaceSnapshot: false, unverified: true };
  }
  if (cached) {
    const tail = await catchUp(
      store,
      kind,
      { streamId, ...cached, replaceSnapshot: false, unverified: true },
      onEvent,
    );
    if (tail) return remember(kind, tail);
    kind.cache?.forget(kind.owner, streamId, cached.version);
  }
  const { snapshots } = kind;
  const loaded = await snapshots?.load(streamId, kind.model.fold(streamId).state);
  const usable = loaded?.usable;
  if (snapshots && usable) {
    const fold = kind.model.fold(streamId, usable);
    const problem = await foldFromSnapshot(store, fold, streamId, usable, onEvent);
    if (typeof problem !== 'string')
      return remember(kind, { ...problem, snapshotVersion: usable.version, replaceSnapshot: false });
    snapshots.reject(streamId, problem, usable);
  }
  const fold = kind.model.fold(streamId);
  const eventId = await foldAll(fold, store.read<E>(streamId), onEvent);
  return remember(kind, {
    ...current(streamId, fold, eventId),
    snapshotVersion: 0,
    replaceSnapshot: usable !== undefined || loaded?.invalid === true,
  });
}

/**
 * Brings a stream that lost a race (or was taken from the cache) up to date by reading only the
 * events after its version, starting at its version itself: the event there must be the one it
 * folded last, which proves in the same request that its state is of this stream's history.
 *
 * @returns `undefined` when that proof fails (the state must be loaded again from scratch).
 */
export async function catchUp<S, E extends EventShape>(
  store: EventStore,
  kind: StreamKind<S, E>,
  stream: LoadedStream<S>,
  onEvent?: EventListener<E>,
): Promise<LoadedStream<S> | undefined> {
  const { streamId, version, eventId } = stream;
  const events = store.read<E>(streamId, { fromVersion: Math.max(1, version) })[Symbol.asyncIterator]();
  const fold = kind.model.fold(streamId, stream);
  if (version > 0) {
    const first = await events.next();
    if (first.done || (eventId !== undefined && first.value.eventId !== eventId)) return undefined;
    onEvent?.(first.value);
  }
  const last = await foldAll(fold, { [Symbol.asyncIterator]: () => events }, onEvent);
  return { ...stream, ...current(streamId, fold, last ?? eventId), unverified: false };
}

/** Restores the snapshot and folds what follows; the reason it cannot be trusted, if any. */
async function foldFromSnapshot<S, E extends EventShape>(
  store: EventStore,
  fold: StreamFold<S, E>,
  streamId: string,
  snapshot: UsableSnapshot<S>,
  onEvent: EventListener<E> | undefined,
): Promise<Pick<LoadedStream<S>, 'streamId' | 'state' | 'version' | 'eventId' | 'unverified'> | string> {
  const events = store.read<E>(streamId, { fromVersion: snapshot.version })[Symbol.asyncIterator]();
  const first = await events.next();
  if (first.done) return `it is at version ${snapshot.version}, which the stream does not have yet`;
  if (first.value.eventId !== snapshot.eventId) {
    return `it was taken at event ${snapshot.eventId}, but version ${snapshot.version} of the stream is event ${first.value.eventId}`;
  }
  onEvent?.(first.value);
  try {
    const last = await foldAll(fold, { [Symbol.asyncIterator]: () => events }, onEvent);
    return current(streamId, fold, last ?? snapshot.eventId);
  } catch (error) {
    if (isEventStoreError(error)) throw error; // the stream's fault, not the snapshot's
    // The same events replayed from the start will tell whether the fault is the snapshot's.
    return `folding the events after it failed (${(error as Error)?.message ?? String(error)})`;
  }
}

/** Folds every event; the id of the last one, if any. */
async function foldAll<S, E extends EventShape>(
  fold: StreamFold<S, E>,
  events: AsyncIterable<StoredEvent<E>>,
  onEvent: EventListener<E> | undefined,
): Promise<string | undefined> {
  let last: string | undefined;
  for await (const event of events) {
    fold.add(event);
    onEvent?.(event);
    last = event.eventId;
  }
  return last;
}

function current<S, E extends EventShape>(
  streamId: string,
  fold: StreamFold<S, E>,
  eventId: string | undefined,
) {
  return { streamId, state: fold.state, version: fold.version, eventId, unverified: false };
}

/** Caches a state just read from the store (a no-op without a cache). */
export function remember<S, E extends EventShape, L extends LoadedStream<S>>(
  kind: StreamKind<S, E>,
  stream: L,
): L {
  if (kind.cache && stream.eventId !== undefined && !stream.unverified) {
    const { state, version, eventId, snapshotVersion } = stream;
    kind.cache.write(kind.owner, stream.streamId, { state, version, eventId, snapshotVersion });
  }
  return stream;
}
