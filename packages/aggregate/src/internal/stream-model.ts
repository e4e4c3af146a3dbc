import type { EventShape, StoredEvent } from '@dynamo-es/event-store';
import type { Decider } from '../decider.js';
import type { EventSourcedAggregate } from '../event-sourced.js';

/** A fold in progress over one stream's stored events, in version order. */
export interface StreamFold<S, E extends EventShape> {
  add(event: StoredEvent<E>): void;
  readonly state: S;
  readonly version: number;
}

/**
 * How the command core folds one kind of stream: the state half of a decider (`initialState` and
 * `evolve`). A decider is one directly; an aggregate class is one through an instance, whose
 * handlers are its `evolve`.
 */
export interface StreamModel<S, E extends EventShape> {
  /** A fold that starts at `from` (a snapshot's or a cached state), else at the initial state. */
  fold(streamId: string, from?: { readonly state: S; readonly version: number }): StreamFold<S, E>;
}

/** The model of a decider's streams: `evolve` over `initialState()`. */
export function deciderModel<S, C, E extends EventShape>(decider: Decider<S, C, E>): StreamModel<S, E> {
  return {
    fold: (_streamId, from) => {
      let state = from ? from.state : decider.initialState();
      let version = from?.version ?? 0;
      return {
        add(event) {
          state = decider.evolve(state, event as unknown as E);
          version = event.version;
        },
        get state() {
          return state;
        },
        get version() {
          return version;
        },
      };
    },
  };
}

/**
 * The model of an aggregate class: one instance per fold, restored at `from` and fed the stored
 * events through `loadFromHistory`, so the class's handlers (and its unknown-event policy and
 * version checks) decide how each event changes the state.
 */
export function aggregateModel<S, E extends EventShape, A extends EventSourcedAggregate<S, E>>(
  create: (streamId: string) => A,
): StreamModel<S, E> {
  return {
    fold: (streamId, from) => {
      const aggregate = create(streamId);
      if (from && from.version > 0) aggregate.restoreSnapshot(from);
      return {
        add: (event) => aggregate.loadFromHistory([event]),
        get state() {
          return aggregate.state;
        },
        get version() {
          return aggregate.version;
        },
      };
    },
  };
}
