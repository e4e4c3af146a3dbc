import {
  type EventShape,
  type EventStore,
  isEventStoreError,
  type StoredEvent,
} from '@dynamo-es/event-store';
import type { EventSourcedAggregate } from '../event-sourced.js';
import type { SnapshotPolicy, UsableSnapshot } from './snapshot-policy.js';

/** An aggregate just loaded, and what its next snapshot must know. */
export interface LoadedAggregate<A> {
  readonly aggregate: A;
  /** The version of the snapshot it started from (0 when none). */
  readonly snapshotVersion: number;
  /** The stored snapshot was invalid: the next snapshot replaces it, whether due or not. */
  readonly replaceSnapshot: boolean;
}

/**
 * Loads a fresh aggregate (from `create`): from its snapshot when there is a usable one, else from
 * the start, folding one page of events at a time (a long stream is never held in memory whole).
 *
 * With a snapshot this is one `GetItem` and one query that starts at the snapshot's own version:
 * the event there must be the one the snapshot names, which proves in the same request that the
 * snapshot belongs to this stream's history (not ahead of it, not another table's). A snapshot
 * that fails that check, or whose state fails to fold the events after it, is rejected (reported
 * once) and the stream is replayed from the start.
 */
export async function loadAggregate<S, E extends EventShape, A extends EventSourcedAggregate<S, E>>(
  create: () => A,
  context: { readonly store: EventStore; readonly snapshots: SnapshotPolicy<S> | undefined },
): Promise<LoadedAggregate<A>> {
  const { store, snapshots } = context;
  const fresh = create();
  const loaded = await snapshots?.load(fresh.id, fresh.state);
  const usable = loaded?.usable;
  if (snapshots && usable) {
    const problem = await foldFromSnapshot(fresh, usable, store);
    if (problem === undefined)
      return { aggregate: fresh, snapshotVersion: usable.version, replaceSnapshot: false };
    snapshots.reject(fresh.id, problem, usable);
  }
  const aggregate = usable ? create() : fresh;
  await fold(aggregate, store.read(aggregate.id));
  return { aggregate, snapshotVersion: 0, replaceSnapshot: usable !== undefined || loaded?.invalid === true };
}

/** Restores the snapshot and folds what follows; the reason it cannot be trusted, if any. */
async function foldFromSnapshot<S, E extends EventShape>(
  aggregate: EventSourcedAggregate<S, E>,
  snapshot: UsableSnapshot<S>,
  store: EventStore,
): Promise<string | undefined> {
  const events = store.read<E>(aggregate.id, { fromVersion: snapshot.version })[Symbol.asyncIterator]();
  const first = await events.next();
  if (first.done) return `it is at version ${snapshot.version}, which the stream does not have yet`;
  if (first.value.eventId !== snapshot.eventId) {
    return `it was taken at event ${snapshot.eventId}, but version ${snapshot.version} of the stream is event ${first.value.eventId}`;
  }
  try {
    aggregate.restoreSnapshot(snapshot);
    await fold(aggregate, { [Symbol.asyncIterator]: () => events });
  } catch (error) {
    if (isEventStoreError(error)) throw error; // the stream's fault, not the snapshot's
    // The same events replayed from the start will tell whether the fault is the snapshot's.
    return `folding the events after it failed (${(error as Error)?.message ?? String(error)})`;
  }
  return undefined;
}

async function fold<E extends EventShape>(
  aggregate: EventSourcedAggregate<unknown, E>,
  events: AsyncIterable<StoredEvent<E>>,
): Promise<void> {
  for await (const event of events) aggregate.loadFromHistory([event]);
}

/**
 * Brings an aggregate that lost a race up to date: drops its uncommitted events and reads only the
 * events after the version it has, never the whole stream again.
 */
export async function catchUp<S, E extends EventShape>(
  aggregate: EventSourcedAggregate<S, E>,
  store: EventStore,
): Promise<void> {
  aggregate.discardChanges();
  await fold(aggregate, store.read<E>(aggregate.id, { fromVersion: aggregate.version + 1 }));
}
