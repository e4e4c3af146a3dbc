import type { EventMetadata, EventStore, Logger, Metrics, StoredEvent } from '@dynamo-es/event-store';
import type { EventSourcedAggregate } from './event-sourced.js';
import type { IdempotencyOptions } from './idempotency.js';
import type { SnapshotOptions } from './snapshot-options.js';
import type { StateCache } from './state-cache.js';

/**
 * The state type of an aggregate class.
 *
 * @example
 * type AccountState = StateOf<BankAccount>;
 */
export type StateOf<A extends EventSourcedAggregate> = A['state'];

/**
 * The event union of an aggregate class, as raised.
 *
 * @example
 * type AccountEvent = EventOf<BankAccount>;
 */
export type EventOf<A extends EventSourcedAggregate> = A['uncommittedEvents'][number];

/**
 * Options of an {@link AggregateRepository}.
 *
 * @example
 * const options: AggregateRepositoryOptions<BankAccount> = { store, factory: (id) => new BankAccount(id) };
 */
export interface AggregateRepositoryOptions<A extends EventSourcedAggregate> {
  /** The event store. Keep one instance: it remembers the versions it has seen, so an append after a load is one `PutItem`. */
  readonly store: EventStore;
  /** Creates an empty aggregate (version 0) with the given id. */
  readonly factory: (id: string) => A;
  /** Snapshot policy of this aggregate type (default: no snapshots). */
  readonly snapshots?: SnapshotOptions<StateOf<A>>;
  /** Default retries of a command after a conflict (default 10). */
  readonly retries?: number;
  /** Milliseconds to wait before retry number `retry` (1, 2, …). Default: jittered exponential backoff from 10 ms to 1 s. */
  readonly retryDelay?: (retry: number) => number;
  /**
   * Told about conflicts retried (`info`), retries exhausted (`warn`), snapshots written (`debug`),
   * snapshots that failed (`warn`), replays and stale cached states (`debug`). Default: the
   * store's logger (`store.logger`), silent unless set.
   */
  readonly logger?: Logger;
  /**
   * Receives `CommandRetries`, `SnapshotsWritten`, `SnapshotFailures`, `IdempotentReplays` and
   * `StaleCacheRetries` (counts). Default: the store's metrics (`store.metrics`).
   */
  readonly metrics?: Metrics;
  /** Keeps folded states in memory between commands (see {@link StateCache}). Default: none. */
  readonly stateCache?: StateCache;
}

/**
 * Options of {@link AggregateRepository.save}.
 *
 * @example
 * await repository.save(account, { metadata: { correlationId: requestId } });
 */
export interface SaveOptions {
  /** Merged into the metadata of every event saved (an event's own metadata wins). */
  readonly metadata?: EventMetadata;
}

/**
 * Options of {@link AggregateRepository.update} and {@link AggregateRepository.updateMany}.
 *
 * @example
 * await repository.update('account-1', (account) => account.deposit(5), { retries: 3, mustExist: true });
 */
export interface UpdateOptions extends SaveOptions {
  /** Retries after a conflict (an integer >= 0; default: the repository's). */
  readonly retries?: number;
  /** Throw `AggregateNotFoundError` instead of running the command on a new aggregate. */
  readonly mustExist?: boolean;
  /** Makes the command idempotent; `command` names it (see {@link IdempotencyOptions}). */
  readonly idempotency?: IdempotencyOptions & { readonly command: string };
}

/**
 * What {@link AggregateRepository.update} returns.
 *
 * @example
 * const { aggregate, events, attempts, replayed } = await repository.update('account-1', (a) => a.deposit(5));
 */
export interface UpdateResult<A extends EventSourcedAggregate> {
  /** The aggregate after the command, committed (on a replay: as it is now). */
  readonly aggregate: A;
  /** The events stored by the command (none when it raised none; on a replay, the original ones). */
  readonly events: StoredEvent<EventOf<A>>[];
  /** Attempts it took: 1 without conflicts, 0 for a replay found before deciding. */
  readonly attempts: number;
  /** True when the idempotency key was already recorded: nothing was decided or written now. */
  readonly replayed: boolean;
}

/**
 * What {@link AggregateRepository.updateMany} returns: per aggregate, in the order of the ids.
 *
 * @example
 * const { aggregates: [from, to], events } = await accounts.updateMany([a, b], transfer);
 */
export interface UpdateManyResult<A extends EventSourcedAggregate> {
  readonly aggregates: A[];
  readonly events: StoredEvent<EventOf<A>>[][];
  readonly attempts: number;
  readonly replayed: boolean;
}
