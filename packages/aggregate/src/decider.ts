import type {
  EventMetadata,
  EventShape,
  EventStore,
  Logger,
  Metrics,
  NewEventOf,
  StoredEvent,
} from '@dynamo-es/event-store';
import { AggregateRepository } from './aggregate-repository.js';
import { EventSourced, type HistoryEvent } from './event-sourced.js';
import { assertCommandOptions, assertFunction, assertObject } from './internal/validation.js';
import type { SnapshotOptions } from './snapshot-options.js';

/**
 * The functional style of an aggregate: three pure functions, no class, no AWS.
 * `decide` turns a command and the current state into new events (or throws a domain error);
 * `evolve` folds one event into the state, on replay and after each decision.
 *
 * @example
 * const account: Decider<{ balance: number }, Deposit, MoneyDeposited> = {
 *   initialState: () => ({ balance: 0 }),
 *   evolve: (state, event) => ({ balance: state.balance + event.data.amount }),
 *   decide: (command) => [{ type: 'MoneyDeposited', data: { amount: command.amount } }],
 * };
 */
export interface Decider<S, C, E extends EventShape> {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (command: C, state: S) => E | readonly E[];
}

/**
 * Options of a {@link DeciderCommandHandler}.
 *
 * @example
 * const options: DeciderCommandHandlerOptions<AccountState, AccountCommand, AccountEvent> = { store, decider };
 */
export interface DeciderCommandHandlerOptions<S, C, E extends EventShape> {
  /** The event store. Keep one instance, so appends right after a load are single `PutItem`s. */
  readonly store: EventStore;
  readonly decider: Decider<S, C, E>;
  /** Snapshot policy (default: no snapshots). */
  readonly snapshots?: SnapshotOptions<S>;
  /** Default retries after a conflict (default 10). */
  readonly retries?: number;
  /** Milliseconds to wait before retry number `retry`. Default: jittered exponential backoff. */
  readonly retryDelay?: (retry: number) => number;
  /** Told about conflicts retried, retries exhausted and snapshots (default: the store's logger). */
  readonly logger?: Logger;
  /** Receives `CommandRetries`, `SnapshotsWritten`, `SnapshotFailures` (default: the store's metrics). */
  readonly metrics?: Metrics;
}

/**
 * Options of one command.
 *
 * @example
 * await handler.handle('account-1', deposit, { metadata: { correlationId }, retries: 3 });
 */
export interface HandleCommandOptions {
  /** Retries after a conflict (an integer >= 0). */
  readonly retries?: number;
  /** Merged into the metadata of every event stored. */
  readonly metadata?: EventMetadata;
}

/**
 * What handling a command produced.
 *
 * @example
 * const { state, version, events, attempts } = await handler.handle('account-1', deposit);
 */
export interface CommandResult<S, E extends EventShape> {
  /** The state after the command's events. */
  readonly state: S;
  /** The stream's version after the command. */
  readonly version: number;
  /** The events stored (none when `decide` returned none). */
  readonly events: StoredEvent<E>[];
  /** Attempts it took: 1 without conflicts. */
  readonly attempts: number;
}

/** A decider's stream as an aggregate, so deciders share the repository's loading, retries and snapshots. */
class DecidedStream<S, C, E extends EventShape> extends EventSourced<S, E> {
  protected readonly initialState: S;
  readonly #decider: Decider<S, C, E>;

  constructor(id: string, decider: Decider<S, C, E>) {
    super(id);
    this.#decider = decider;
    this.initialState = decider.initialState();
  }

  execute(command: C): void {
    const decided = this.#decider.decide(command, this.state);
    const events = Array.isArray(decided) ? (decided as readonly E[]) : [decided as E];
    for (const event of events) this.raise(event as unknown as NewEventOf<E>);
  }

  protected override evolveState(state: S, event: HistoryEvent<E>): S {
    return this.#decider.evolve(state, event as unknown as E);
  }
}

/** The repository of a decider's streams: the same code, with its span named after `handle`. */
class DecidedStreamRepository<S, C, E extends EventShape> extends AggregateRepository<
  DecidedStream<S, C, E>
> {
  protected override readonly commandSpanName = 'dynamo-es.handle';
}

/**
 * Handles commands with a {@link Decider}: loads the stream (from a snapshot when configured),
 * decides, appends with the loaded version as expected version, and on a conflict reads only the
 * new events and decides again, like `AggregateRepository.update` (it is the same code).
 *
 * @example
 * const accounts = new DeciderCommandHandler({ store, decider: bankAccount });
 * const { state } = await accounts.handle('account-1', { type: 'Deposit', amount: 5 });
 */
export class DeciderCommandHandler<S, C, E extends EventShape> {
  readonly #repository: DecidedStreamRepository<S, C, E>;

  constructor(options: DeciderCommandHandlerOptions<S, C, E>) {
    assertObject(options, 'options', '{ store, decider }');
    const { decider, ...rest } = options;
    assertObject(decider, 'options.decider', '{ initialState, evolve, decide }');
    for (const name of ['initialState', 'evolve', 'decide'] as const) {
      assertFunction(decider[name], `options.decider.${name}`);
    }
    this.#repository = new DecidedStreamRepository({
      ...rest,
      factory: (id) => new DecidedStream(id, decider),
    });
  }

  /**
   * Decides `command` against the current state of stream `streamId` and stores the events. Runs in
   * an OpenTelemetry span `dynamo-es.handle` when `@opentelemetry/api` is installed.
   *
   * @throws RetriesExhaustedError when every attempt lost the race; what `decide` throws, as is.
   */
  async handle(
    streamId: string,
    command: C,
    options: HandleCommandOptions = {},
  ): Promise<CommandResult<S, E>> {
    const checked = assertCommandOptions(options);
    const { aggregate, events, attempts } = await this.#repository.update(
      streamId,
      (stream) => stream.execute(command),
      checked,
    );
    return {
      state: aggregate.state,
      version: aggregate.version,
      events: events as unknown as StoredEvent<E>[],
      attempts,
    };
  }
}

/**
 * Handles one command with a {@link Decider}, as {@link DeciderCommandHandler.handle} does. Create a
 * `DeciderCommandHandler` once instead when handling many commands with snapshots.
 *
 * @example
 * const { events } = await handleCommand({ store, decider: bankAccount, streamId: 'account-1', command: deposit });
 */
export async function handleCommand<S, C, E extends EventShape>(
  options: DeciderCommandHandlerOptions<S, C, E> &
    HandleCommandOptions & { readonly streamId: string; readonly command: C },
): Promise<CommandResult<S, E>> {
  assertObject(options, 'options', '{ store, decider, streamId, command }');
  const { streamId, command, retries, metadata, ...handlerOptions } = options;
  return new DeciderCommandHandler(handlerOptions).handle(streamId, command, {
    ...(retries === undefined ? {} : { retries }),
    ...(metadata === undefined ? {} : { metadata }),
  });
}
