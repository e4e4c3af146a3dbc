import type { EventStore } from '@dynamo-es/event-store';
import type { EventSourcedAggregate } from '../event-sourced.js';
import type { SnapshotPolicy } from './snapshot-policy.js';

/**
 * Loads a fresh aggregate: from its snapshot when there is a usable one, else from the start.
 * Returns the version of the snapshot it started from (0 when none).
 *
 * With a snapshot this is one `GetItem` and one query: `readStream` reads from the snapshot's own
 * version, which proves in the same request that the stream really has that version.
 */
export async function loadStream<S>(
  aggregate: EventSourcedAggregate<S>,
  context: { readonly store: EventStore; readonly snapshots: SnapshotPolicy<S> | undefined },
): Promise<number> {
  const { store, snapshots } = context;
  const snapshot = await snapshots?.load(aggregate.id);
  if (snapshot) {
    const tail = await store.readStream(aggregate.id, { fromVersion: snapshot.version + 1 });
    if (tail.version >= snapshot.version) {
      aggregate.restoreSnapshot(snapshot);
      aggregate.loadFromHistory(tail.events);
      return snapshot.version;
    }
    snapshots?.reportAhead(aggregate.id, snapshot.version, tail.version);
  }
  const { events } = await store.readStream(aggregate.id);
  aggregate.loadFromHistory(events);
  return 0;
}

/**
 * Brings an aggregate that lost a race up to date: drops its uncommitted events and reads only the
 * events after the version it has, never the whole stream again.
 */
export async function catchUp<S>(aggregate: EventSourcedAggregate<S>, store: EventStore): Promise<void> {
  aggregate.discardChanges();
  const events = [];
  for await (const event of store.read(aggregate.id, { fromVersion: aggregate.version + 1 }))
    events.push(event);
  aggregate.loadFromHistory(events);
}
