import type { EventShape } from '@dynamo-es/event-store';
import type { StateCache } from '../state-cache.js';
import type { SnapshotPolicy } from './snapshot-policy.js';
import type { StreamModel } from './stream-model.js';

/** A stream's state as the command core holds it between loading and saving. */
export interface LoadedStream<S> {
  readonly streamId: string;
  readonly state: S;
  /** The version of the last event folded into `state`: the expected version of the next save. */
  readonly version: number;
  /** Id of the event at `version` (`undefined` at version 0): snapshots and the cache record it. */
  readonly eventId: string | undefined;
  /** The version of the snapshot loaded or last taken (0: none). */
  readonly snapshotVersion: number;
  /** The stored snapshot could not be used: the next save replaces it, due or not. */
  readonly replaceSnapshot: boolean;
  /** Taken from the cache without reading the store (optimistic mode): the stream may have moved. */
  readonly unverified: boolean;
}

/**
 * Everything the core knows about one kind of stream (an aggregate class, or a decider): how to
 * fold it, its snapshots, and its slot in a state cache.
 */
export interface StreamKind<S, E extends EventShape> {
  readonly model: StreamModel<S, E>;
  readonly snapshots: SnapshotPolicy<S> | undefined;
  readonly cache: StateCache | undefined;
  /** The owner of this kind's entries in the cache (one per repository or handler). */
  readonly owner: object;
}
