import {
  assertStreamId,
  type EventMetadata,
  type EventStore,
  InvalidInputError,
  type Logger,
  type Metrics,
  type NewEvent,
  noMetrics,
  type StoredEvent,
  silentLogger,
  withSpan,
} from '@dynamo-es/event-store';
import { AggregateNotFoundError } from './errors.js';
import type { EventSourcedAggregate } from './event-sourced.js';
import { CommandObserver } from './internal/command-observer.js';
import { DEFAULT_RETRIES, defaultRetryDelay, runWithRetries } from './internal/retry.js';
import { SnapshotPolicy } from './internal/snapshot-policy.js';
import { catchUp, loadAggregate } from './internal/stream-loader.js';
import { assertCommandOptions, assertFunction, assertInteger, assertObject } from './internal/validation.js';
import type { SnapshotOptions } from './snapshot-options.js';

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
  /** Default retries of {@link AggregateRepository.update} after a conflict (default 10). */
  readonly retries?: number;
  /** Milliseconds to wait before retry number `retry` (1, 2, …). Default: jittered exponential backoff from 10 ms to 1 s. */
  readonly retryDelay?: (retry: number) => number;
  /**
   * Told about conflicts retried (`info`), retries exhausted (`warn`), snapshots written (`debug`) and
   * snapshots that failed (`warn`). Default: the store's logger (`store.logger`), silent unless set.
   */
  readonly logger?: Logger;
  /**
   * Receives `CommandRetries`, `SnapshotsWritten` and `SnapshotFailures` (counts). Default: the
   * store's metrics (`store.metrics`).
   */
  readonly metrics?: Metrics;
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
 * Options of {@link AggregateRepository.update}.
 *
 * @example
 * await repository.update('account-1', (account) => account.deposit(5), { retries: 3, mustExist: true });
 */
export interface UpdateOptions extends SaveOptions {
  /** Retries after a conflict (an integer >= 0; default: the repository's). */
  readonly retries?: number;
  /** Throw `AggregateNotFoundError` instead of running the command on a new aggregate. */
  readonly mustExist?: boolean;
}

/**
 * What {@link AggregateRepository.update} returns.
 *
 * @example
 * const { aggregate, events, attempts } = await repository.update('account-1', (a) => a.deposit(5));
 */
export interface UpdateResult<A extends EventSourcedAggregate> {
  /** The aggregate after the command, committed. */
  readonly aggregate: A;
  /** The events stored by the command (none when it raised none). */
  readonly events: StoredEvent<EventOf<A>>[];
  /** Attempts it took: 1 without conflicts. */
  readonly attempts: number;
}

/**
 * Loads and saves aggregates of one type in an event store, with optimistic concurrency, retries
 * on conflict that re-read only the new events, and optional snapshots.
 *
 * @example
 * const accounts = new AggregateRepository({ store, factory: (id) => new BankAccount(id) });
 * await accounts.update('account-1', (account) => account.deposit(5));
 * const account = await accounts.loadExisting('account-1');
 */
export class AggregateRepository<A extends EventSourcedAggregate> {
  readonly #store: EventStore;
  readonly #factory: (id: string) => A;
  readonly #snapshots: SnapshotPolicy<StateOf<A>> | undefined;
  readonly #retries: number;
  readonly #retryDelay: (retry: number) => number;
  readonly #observer: CommandObserver;
  /** Per aggregate this repository handled: the snapshot it started from or last took, and whether the stored one must be replaced. */
  readonly #snapshotStates = new WeakMap<A, { version: number; replace: boolean }>();
  /**
   * Name of the OpenTelemetry span around {@link AggregateRepository.update}; the decider's command
   * handler names it `dynamo-es.handle`.
   *
   * @internal
   */
  protected readonly commandSpanName: string = 'dynamo-es.update';

  constructor(options: AggregateRepositoryOptions<A>) {
    assertObject(options, 'options', '{ store, factory }');
    const { store, factory, snapshots, retries, retryDelay } = options;
    if (typeof store?.append !== 'function' || typeof store.readStream !== 'function') {
      throw new InvalidInputError('options.store', 'expected an EventStore');
    }
    assertFunction(factory, 'options.factory');
    if (retries !== undefined) assertInteger(retries, 'options.retries', 0);
    if (retryDelay !== undefined) assertFunction(retryDelay, 'options.retryDelay');
    this.#observer = new CommandObserver(
      assertHooks(options.logger, 'options.logger', ['debug', 'info', 'warn', 'error']) ??
        store.logger ??
        silentLogger,
      assertHooks(options.metrics, 'options.metrics', ['record']) ?? store.metrics ?? noMetrics,
    );
    this.#store = store;
    this.#factory = factory;
    this.#snapshots =
      snapshots === undefined
        ? undefined
        : new SnapshotPolicy(snapshots, 'options.snapshots', this.#observer);
    this.#retries = retries ?? DEFAULT_RETRIES;
    this.#retryDelay = retryDelay ?? defaultRetryDelay;
  }

  /**
   * Loads an aggregate: a new one at version 0 when its stream does not exist. With snapshots, one
   * `GetItem` and one query for the events after the snapshot.
   */
  async load(id: string): Promise<A> {
    assertStreamId(id, 'id');
    const loaded = await loadAggregate(() => this.#create(id), {
      store: this.#store,
      snapshots: this.#snapshots,
    });
    this.#snapshotStates.set(loaded.aggregate, {
      version: loaded.snapshotVersion,
      replace: loaded.replaceSnapshot,
    });
    return loaded.aggregate;
  }

  /**
   * Loads an aggregate that must exist.
   *
   * @throws AggregateNotFoundError when its stream has no events.
   */
  async loadExisting(id: string): Promise<A> {
    const aggregate = await this.load(id);
    if (aggregate.version === 0) throw new AggregateNotFoundError(id);
    return aggregate;
  }

  /**
   * Appends the aggregate's uncommitted events, expecting the stream at the version it was loaded
   * at, then marks them committed and, when due, takes a snapshot (whose failure is only reported).
   * Saving an aggregate without uncommitted events sends nothing.
   *
   * @returns the stored events.
   * @throws ConcurrencyError when the stream moved since the aggregate was loaded; nothing is written
   * and the aggregate keeps its uncommitted events.
   */
  async save(aggregate: A, options: SaveOptions = {}): Promise<StoredEvent<EventOf<A>>[]> {
    if (typeof aggregate?.markCommitted !== 'function' || !Array.isArray(aggregate.uncommittedEvents)) {
      throw new InvalidInputError(
        'aggregate',
        'expected an aggregate (e.g. an instance of a class extending Aggregate)',
      );
    }
    const { metadata } = assertCommandOptions(options);
    const changes = aggregate.uncommittedEvents;
    if (changes.length === 0) return [];
    const events = metadata === undefined ? changes : changes.map((event) => withMetadata(event, metadata));
    const result = await this.#store.append(aggregate.id, events, { expectedVersion: aggregate.version });
    aggregate.markCommitted(result.version);
    await this.#snapshotIfDue(aggregate, result.events[result.events.length - 1] as StoredEvent);
    return result.events as StoredEvent<EventOf<A>>[];
  }

  /**
   * Loads the aggregate, runs `command` on it and saves what it raised. When another writer got
   * there first, it does not reload: it drops its events, reads only the events after the version
   * it has, runs the command again on the caught-up aggregate, and saves again; up to `retries`
   * times, with jittered backoff.
   *
   * Runs in an OpenTelemetry span `dynamo-es.update` (attribute `dynamo_es.stream_id`) when
   * `@opentelemetry/api` is installed.
   *
   * @throws RetriesExhaustedError when every attempt lost the race; whatever `command` throws, as is.
   * @throws InvalidInputError for a malformed id, command or options; nothing is read or written.
   */
  async update(
    id: string,
    command: (aggregate: A) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<UpdateResult<A>> {
    assertStreamId(id, 'id');
    assertFunction(command, 'command');
    const { retries = this.#retries, metadata } = assertCommandOptions(options);
    if (options.mustExist !== undefined && typeof options.mustExist !== 'boolean') {
      throw new InvalidInputError('options.mustExist', 'expected a boolean');
    }
    const mustExist = options.mustExist === true;
    return withSpan(this.commandSpanName, { 'dynamo_es.stream_id': id }, () =>
      this.#update(id, command, { retries, mustExist, ...(metadata === undefined ? {} : { metadata }) }),
    );
  }

  async #update(
    id: string,
    command: (aggregate: A) => void | Promise<void>,
    options: { retries: number; mustExist: boolean; metadata?: EventMetadata },
  ): Promise<UpdateResult<A>> {
    const { retries, metadata } = options;
    const aggregate = options.mustExist ? await this.loadExisting(id) : await this.load(id);
    const { result, attempts } = await runWithRetries({
      streamId: id,
      retries,
      retryDelay: this.#retryDelay,
      attempt: async () => {
        await command(aggregate);
        return this.save(aggregate, metadata === undefined ? {} : { metadata });
      },
      recover: () => catchUp(aggregate, this.#store),
      observer: this.#observer,
    });
    return { aggregate, events: result, attempts };
  }

  #create(id: string): A {
    const aggregate = this.#factory(id);
    if (aggregate?.id !== id || aggregate.version !== 0 || aggregate.uncommittedEvents?.length !== 0) {
      throw new InvalidInputError(
        'options.factory',
        `must return a new aggregate (version 0) with id "${id}"`,
      );
    }
    return aggregate;
  }

  async #snapshotIfDue(aggregate: A, last: StoredEvent): Promise<void> {
    if (!this.#snapshots) return;
    const { version, replace } = this.#snapshotStates.get(aggregate) ?? { version: 0, replace: false };
    if (!replace && !this.#snapshots.isDue(version, aggregate.version)) return;
    // Counted as taken even if the write fails: a broken snapshots table then costs one failed
    // write every `every` events, not one per command.
    this.#snapshotStates.set(aggregate, { version: aggregate.version, replace: false });
    const snapshot = {
      streamId: aggregate.id,
      version: aggregate.version,
      eventId: last.eventId,
      state: aggregate.state,
    };
    await this.#snapshots.take(snapshot, replace);
  }
}

/** An optional logger or metrics sink must have its methods; returns it (or undefined). */
function assertHooks<T>(value: T | undefined, path: string, methods: readonly string[]): T | undefined {
  if (value === undefined) return undefined;
  for (const method of methods) {
    if (typeof (value as Record<string, unknown> | null)?.[method] !== 'function') {
      throw new InvalidInputError(path, `expected an object with ${methods.join(', ')} methods`);
    }
  }
  return value;
}

function withMetadata(event: NewEvent, metadata: EventMetadata): NewEvent {
  return { ...event, metadata: { ...metadata, ...event.metadata } };
}
