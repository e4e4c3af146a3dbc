import {
  assertStreamId,
  type EventShape,
  InvalidInputError,
  type NewEventOf,
  type StoredEvent,
} from '@dynamo-es/event-store';

/**
 * An event of an aggregate's history: a stored event, or (in tests) a plain domain event. Plain
 * events get the next version; stored ones must carry it.
 *
 * @example
 * account.loadFromHistory([{ type: 'AccountOpened', data: { owner: 'Ada' } }]);
 */
export type HistoryEvent<E extends EventShape> = NewEventOf<E> | StoredEvent<E>;

/**
 * What a repository needs from an aggregate. `Aggregate` implements it; so can your own classes.
 *
 * @example
 * function describe(aggregate: EventSourcedAggregate): string {
 *   return `${aggregate.id}@${aggregate.version} (+${aggregate.uncommittedEvents.length})`;
 * }
 */
export interface EventSourcedAggregate<S = unknown, E extends EventShape = EventShape> {
  readonly id: string;
  readonly version: number;
  readonly state: S;
  readonly uncommittedEvents: readonly NewEventOf<E>[];
  loadFromHistory(events: Iterable<HistoryEvent<E>>): void;
  restoreSnapshot(snapshot: { readonly state: S; readonly version: number }): void;
  markCommitted(version: number): void;
  discardChanges(): void;
}

/**
 * The bookkeeping every event-sourced object shares: id, version, state, uncommitted events, and a
 * committed state to go back to when a command is retried. Subclasses say how one event changes
 * the state. Internal: extend `Aggregate`, or use a `Decider`.
 */
export abstract class EventSourced<S, E extends EventShape> implements EventSourcedAggregate<S, E> {
  /** The aggregate's id, which is also its stream id. */
  readonly id: string;
  /** The state before any event. Read lazily, so subclasses may declare it as a field. */
  protected abstract readonly initialState: S;

  #version = 0;
  #started = false;
  #state: S | undefined;
  #committedState: S | undefined;
  #changes: NewEventOf<E>[] = [];

  constructor(id: string) {
    assertStreamId(id, 'id');
    this.id = id;
  }

  /** Version of the last stored event this aggregate holds: the expected version of its next save (0 when new). */
  get version(): number {
    return this.#version;
  }

  /** The current state, uncommitted events included. */
  get state(): S {
    this.#start();
    return this.#state as S;
  }

  /** Events raised since the aggregate was loaded or last saved, oldest first. */
  get uncommittedEvents(): readonly NewEventOf<E>[] {
    return this.#changes;
  }

  /**
   * Replays stored events, in order (repositories and the test kit call this).
   *
   * @throws InvalidInputError when a stored event's version is not the next one, or events are uncommitted.
   */
  loadFromHistory(events: Iterable<HistoryEvent<E>>): void {
    this.#assertNoChanges('replay history');
    this.#start();
    for (const event of events) {
      const version = this.#version + 1;
      const stored = (event as { version?: unknown }).version;
      if (stored !== undefined && stored !== version) {
        throw new InvalidInputError(
          'events',
          `"${this.id}" is at version ${this.#version}, so the next event must have version ${version}, not ${String(stored)}`,
        );
      }
      this.#state = this.evolveState(this.#state as S, event, version);
      this.#version = version;
    }
    this.#committedState = this.#state;
  }

  /**
   * Starts a fresh aggregate from a snapshot of its state at `version`, before replaying what follows.
   *
   * @throws InvalidInputError when the aggregate already holds events.
   */
  restoreSnapshot(snapshot: { readonly state: S; readonly version: number }): void {
    this.#assertNoChanges('restore a snapshot');
    if (this.#version !== 0) {
      throw new InvalidInputError('snapshot', `"${this.id}" already holds ${this.#version} events`);
    }
    this.#started = true;
    this.#state = snapshot.state;
    this.#committedState = snapshot.state;
    this.#version = snapshot.version;
  }

  /**
   * Marks the uncommitted events as stored, the last one at `version` (repositories call this after an append).
   *
   * @throws InvalidInputError when `version` is not the version those events were stored at.
   */
  markCommitted(version: number): void {
    const expected = this.#version + this.#changes.length;
    if (version !== expected) {
      throw new InvalidInputError(
        'version',
        `"${this.id}" expected its events to end at version ${expected}, not ${version}`,
      );
    }
    this.#version = version;
    this.#committedState = this.#state;
    this.#changes = [];
  }

  /** Drops the uncommitted events and returns to the last committed state (e.g. before retrying a command). */
  discardChanges(): void {
    this.#start();
    this.#state = this.#committedState;
    this.#changes = [];
  }

  /** Applies a new event to the state and records it as uncommitted. */
  protected raise(event: NewEventOf<E>): void {
    this.#start();
    this.#state = this.evolveState(this.#state as S, event, undefined);
    this.#changes.push(event);
  }

  /**
   * The new state after one event. `version` is the event's version when replaying history and
   * `undefined` when the event is being raised.
   */
  protected abstract evolveState(state: S, event: HistoryEvent<E>, version: number | undefined): S;

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#state = this.initialState;
    this.#committedState = this.initialState;
  }

  #assertNoChanges(action: string): void {
    if (this.#changes.length > 0) {
      throw new InvalidInputError(
        'aggregate',
        `cannot ${action}: "${this.id}" has ${this.#changes.length} uncommitted events; save or discard them first`,
      );
    }
  }
}
