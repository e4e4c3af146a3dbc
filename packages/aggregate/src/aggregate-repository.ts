import { assertStreamId, InvalidInputError, type StoredEvent } from '@dynamo-es/event-store';
import type {
  AggregateRepositoryOptions,
  EventOf,
  SaveOptions,
  StateOf,
  UpdateManyResult,
  UpdateOptions,
  UpdateResult,
} from './aggregate-repository-types.js';
import { AggregateNotFoundError } from './errors.js';
import type { EventSourcedAggregate } from './event-sourced.js';
import { idempotencyKeyOf } from './idempotency.js';
import { type CommandContext, runCommand } from './internal/command-core.js';
import type { LoadedStream, StreamKind } from './internal/loaded-stream.js';
import { forgetCached, saveStreams } from './internal/save-streams.js';
import { setUpCommands } from './internal/setup.js';
import { loadStream } from './internal/stream-loader.js';
import { aggregateModel } from './internal/stream-model.js';
import {
  assertCommandOptions,
  assertFunction,
  assertObject,
  assertStreamIds,
} from './internal/validation.js';

type AnyCommand<A> = (aggregates: A[]) => void | Promise<void>;

/**
 * Loads and saves aggregates of one type, and runs commands on one or several of them with
 * optimistic concurrency: retries on conflict re-read only the new events, several aggregates are
 * saved in one atomic transaction, commands can be idempotent, states can be cached and
 * snapshotted. The class is an adapter over the package's one command core: its handlers are the
 * `evolve`, its methods the `decide`.
 *
 * @example
 * const accounts = new AggregateRepository({ store, factory: (id) => new BankAccount(id) });
 * await accounts.update('account-1', (account) => account.deposit(5));
 * await accounts.updateMany(['account-1', 'account-2'], ([from, to]) => {
 *   from.sendTransfer({ transferId, to: to.id, amount: 5 });
 *   to.receiveTransfer({ transferId, from: from.id, amount: 5 });
 * });
 */
export class AggregateRepository<A extends EventSourcedAggregate> {
  readonly #context: CommandContext;
  readonly #kind: StreamKind<StateOf<A>, EventOf<A>>;
  readonly #factory: (id: string) => A;
  readonly #retries: number;
  /** Per aggregate handed out: where it was loaded or saved (snapshot and cache bookkeeping). */
  readonly #loaded = new WeakMap<A, LoadedStream<StateOf<A>>>();

  constructor(options: AggregateRepositoryOptions<A>) {
    assertObject(options, 'options', '{ store, factory }');
    assertFunction(options.factory, 'options.factory');
    const { context, retries, snapshots, cache } = setUpCommands(options);
    this.#context = context;
    this.#factory = options.factory;
    this.#retries = retries;
    this.#kind = {
      model: aggregateModel((id) => this.#create(id)),
      snapshots,
      cache,
      owner: {},
    };
  }

  /**
   * Loads an aggregate: a new one at version 0 when its stream does not exist. With snapshots, one
   * `GetItem` and one query for the events after the snapshot; with a state cache, one query for
   * the events after the cached version.
   */
  async load(id: string): Promise<A> {
    assertStreamId(id, 'id');
    return this.#hydrate(await loadStream(this.#context.store, this.#kind, id));
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
    if (aggregate.uncommittedEvents.length === 0) return [];
    const stream = this.#streamOf(aggregate);
    const decision = { events: aggregate.uncommittedEvents, state: aggregate.state };
    try {
      const [saved] = await saveStreams(this.#context.store, this.#kind, [stream], [decision], {
        ...(metadata === undefined ? {} : { metadata }),
      });
      aggregate.markCommitted(saved!.version);
      this.#loaded.set(aggregate, saved!);
      return saved!.events;
    } catch (error) {
      forgetCached(this.#kind, [stream]);
      throw error;
    }
  }

  /**
   * Loads the aggregate, runs `command` on it and saves what it raised. When another writer got
   * there first, it does not reload: it reads only the events after the version it has, runs the
   * command again on the caught-up aggregate, and saves again; up to `retries` times, with jittered
   * backoff. With `idempotency`, a command already applied returns its original events instead.
   *
   * Runs in an OpenTelemetry span `dynamo-es.update` (attribute `dynamo_es.stream_id`) when
   * `@opentelemetry/api` is installed.
   *
   * @throws RetriesExhaustedError when every attempt lost the race; whatever `command` throws, as is.
   * @throws IdempotencyKeyReusedError when the key was used for another command.
   * @throws InvalidInputError for a malformed id, command or options; nothing is read or written.
   */
  async update(
    id: string,
    command: (aggregate: A) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<UpdateResult<A>> {
    assertStreamId(id, 'id');
    assertFunction(command, 'command');
    const result = await this.#run([id], ([aggregate]) => command(aggregate as A), options);
    return {
      aggregate: result.aggregates[0] as A,
      events: result.events[0] as StoredEvent<EventOf<A>>[],
      attempts: result.attempts,
      replayed: result.replayed,
    };
  }

  /**
   * Runs a command over several aggregates and saves what it raised on any of them in one atomic
   * `TransactWriteItems`, each with the version it was loaded at (an aggregate that raised nothing
   * is checked not to have moved, since the decision read it). On a conflict, only the aggregates
   * that moved read their new events, and the command runs again, as `update` does. At most 100
   * items (events, checks, idempotency record) and 4 MB: `TransactionTooLargeError` before sending.
   *
   * @example
   * const { aggregates: [from, to] } = await accounts.updateMany(['a-1', 'a-2'], ([from, to]) => {
   *   from.withdraw(5);
   *   to.deposit(5);
   * });
   * @throws the same errors as `update`; InvalidInputError for an empty list or an id given twice.
   */
  async updateMany(
    ids: readonly string[],
    command: (aggregates: A[]) => void | Promise<void>,
    options: UpdateOptions = {},
  ): Promise<UpdateManyResult<A>> {
    assertStreamIds(ids, 'ids');
    assertFunction(command, 'command');
    return this.#run(ids, command, options);
  }

  /**
   * Brings an aggregate up to date after a conflict (or whenever it may be behind): drops its
   * uncommitted events and reads only the events after its version, never the whole stream.
   *
   * @example
   * try {
   *   await accounts.save(account);
   * } catch (error) {
   *   if (!isConcurrencyError(error)) throw error;
   *   await accounts.catchUp(account); // then decide again
   * }
   */
  async catchUp(aggregate: A): Promise<A> {
    if (typeof aggregate?.discardChanges !== 'function') {
      throw new InvalidInputError('aggregate', 'expected an aggregate');
    }
    aggregate.discardChanges();
    const stream = this.#streamOf(aggregate);
    let eventId = stream.eventId;
    const events = this.#context.store.read<EventOf<A>>(aggregate.id, { fromVersion: aggregate.version + 1 });
    for await (const event of events) {
      aggregate.loadFromHistory([event]);
      eventId = event.eventId;
    }
    this.#loaded.set(aggregate, { ...stream, state: aggregate.state, version: aggregate.version, eventId });
    return aggregate;
  }

  async #run(
    ids: readonly string[],
    command: AnyCommand<A>,
    options: UpdateOptions,
  ): Promise<UpdateManyResult<A>> {
    const { retries = this.#retries, metadata } = assertCommandOptions(options);
    if (options.mustExist !== undefined && typeof options.mustExist !== 'boolean') {
      throw new InvalidInputError('options.mustExist', 'expected a boolean');
    }
    const { idempotency } = options;
    if (idempotency !== undefined && typeof idempotency?.command !== 'string') {
      throw new InvalidInputError(
        'options.idempotency.command',
        'name the command (a function cannot be told from another), e.g. { key, command: "Deposit", payload }',
      );
    }
    const outcome = await runCommand(this.#context, {
      spanName: 'dynamo-es.update',
      streamIds: ids,
      kind: this.#kind,
      retries,
      mustExist: options.mustExist === true,
      ...(metadata === undefined ? {} : { metadata }),
      ...(idempotency === undefined ? {} : { idempotency: idempotencyKeyOf(idempotency, {}) }),
      decide: async (streams) => {
        const aggregates = streams.map((stream) => this.#hydrate(stream));
        await command(aggregates);
        const decisions = aggregates.map((aggregate) => ({
          events: aggregate.uncommittedEvents,
          state: aggregate.state,
        }));
        return { decisions, value: aggregates };
      },
    });
    const aggregates = outcome.value ?? outcome.streams.map((stream) => this.#hydrate(stream));
    outcome.streams.forEach((stream, index) => {
      const aggregate = aggregates[index] as A;
      if (outcome.value) aggregate.markCommitted(stream.version);
      this.#loaded.set(aggregate, stream);
    });
    return {
      aggregates,
      events: outcome.streams.map((stream) => stream.events as StoredEvent<EventOf<A>>[]),
      attempts: outcome.attempts,
      replayed: outcome.replayed,
    };
  }

  /** An aggregate at a loaded stream's state and version. */
  #hydrate(stream: LoadedStream<StateOf<A>>): A {
    const aggregate = this.#create(stream.streamId);
    if (stream.version > 0) aggregate.restoreSnapshot({ state: stream.state, version: stream.version });
    this.#loaded.set(aggregate, stream);
    return aggregate;
  }

  /** Where an aggregate stands, as the core needs it to save it (a new one: nothing known). */
  #streamOf(aggregate: A): LoadedStream<StateOf<A>> {
    const loaded = this.#loaded.get(aggregate);
    const known = loaded?.version === aggregate.version ? loaded : undefined;
    return {
      streamId: aggregate.id,
      state: aggregate.state,
      version: aggregate.version,
      eventId: known?.eventId,
      snapshotVersion: loaded?.snapshotVersion ?? 0,
      replaceSnapshot: loaded?.replaceSnapshot ?? false,
      unverified: false,
    };
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
}
