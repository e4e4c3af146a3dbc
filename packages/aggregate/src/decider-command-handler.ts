import {
  assertStreamId,
  type EventMetadata,
  type EventShape,
  InvalidInputError,
  type StoredEvent,
} from '@dynamo-es/event-store';
import type { Decider } from './decider.js';
import { type IdempotencyOptions, idempotencyKeyOf } from './idempotency.js';
import { type CommandContext, type CommandOutcome, runCommand } from './internal/command-core.js';
import type { LoadedStream, StreamKind } from './internal/loaded-stream.js';
import { type CommandSetupOptions, setUpCommands } from './internal/setup.js';
import { loadStream } from './internal/stream-loader.js';
import { deciderModel } from './internal/stream-model.js';
import {
  assertCommandOptions,
  assertFunction,
  assertObject,
  assertStreamIds,
} from './internal/validation.js';

/**
 * Options of a {@link DeciderCommandHandler}.
 *
 * @example
 * const options: DeciderCommandHandlerOptions<AccountState, AccountCommand, AccountEvent> = { store, decider };
 */
export interface DeciderCommandHandlerOptions<S, C, E extends EventShape> extends CommandSetupOptions<S> {
  readonly decider: Decider<S, C, E>;
}

/**
 * Options of one command.
 *
 * @example
 * await handler.handle('account-1', deposit, { metadata: { correlationId }, idempotency: { key: requestId } });
 */
export interface HandleCommandOptions {
  /** Retries after a conflict (an integer >= 0). */
  readonly retries?: number;
  /** Merged into the metadata of every event stored. */
  readonly metadata?: EventMetadata;
  /** Throw `AggregateNotFoundError` when a stream has no events, instead of deciding on the initial state. */
  readonly mustExist?: boolean;
  /**
   * Makes the command idempotent. `command` defaults to the command's `type` and `payload` to the
   * command itself, so `{ key }` is enough.
   */
  readonly idempotency?: IdempotencyOptions;
}

/**
 * What handling a command produced.
 *
 * @example
 * const { state, version, events, attempts, replayed } = await handler.handle('account-1', deposit);
 */
export interface CommandResult<S, E extends EventShape> {
  /** The state after the command's events (on a replay: the stream's state now). */
  readonly state: S;
  /** The stream's version after the command (on a replay: now). */
  readonly version: number;
  /** The events stored (none when `decide` returned none; on a replay, the original ones). */
  readonly events: StoredEvent<E>[];
  /** Attempts it took: 1 without conflicts, 0 for a replay found before deciding. */
  readonly attempts: number;
  /** True when the idempotency key was already recorded: nothing was decided or written now. */
  readonly replayed: boolean;
}

/**
 * What {@link DeciderCommandHandler.handleMany} produced: one entry per stream, in order.
 *
 * @example
 * const { streams: [from, to], attempts } = await accounts.handleMany([send, receive]);
 */
export interface ManyCommandResult<S, E extends EventShape> {
  readonly streams: (Omit<CommandResult<S, E>, 'attempts' | 'replayed'> & { readonly streamId: string })[];
  readonly attempts: number;
  readonly replayed: boolean;
}

/**
 * Handles commands with a {@link Decider}: loads the stream (from the state cache or a snapshot
 * when configured), decides, appends with the loaded version as expected version, and on a
 * conflict reads only the new events and decides again. `handleMany` decides a command on each of
 * several streams and stores all of them in one atomic transaction. The same core runs
 * `AggregateRepository`'s commands.
 *
 * @example
 * const accounts = new DeciderCommandHandler({ store, decider: bankAccount });
 * const { state } = await accounts.handle('account-1', { type: 'Deposit', amount: 5 });
 */
export class DeciderCommandHandler<S, C, E extends EventShape> {
  readonly #decider: Decider<S, C, E>;
  readonly #context: CommandContext;
  readonly #kind: StreamKind<S, E>;
  readonly #retries: number;

  constructor(options: DeciderCommandHandlerOptions<S, C, E>) {
    assertObject(options, 'options', '{ store, decider }');
    const { decider } = options;
    assertObject(decider, 'options.decider', '{ initialState, evolve, decide }');
    for (const name of ['initialState', 'evolve', 'decide'] as const) {
      assertFunction(decider[name], `options.decider.${name}`);
    }
    const { context, retries, snapshots, cache } = setUpCommands(options);
    this.#decider = decider;
    this.#context = context;
    this.#retries = retries;
    this.#kind = { model: deciderModel(decider), snapshots, cache, owner: {} };
  }

  /**
   * Decides `command` against the current state of stream `streamId` and stores the events. Runs in
   * an OpenTelemetry span `dynamo-es.handle` when `@opentelemetry/api` is installed.
   *
   * @throws RetriesExhaustedError when every attempt lost the race; what `decide` throws, as is.
   * @throws IdempotencyKeyReusedError when the key was used for another command.
   */
  async handle(
    streamId: string,
    command: C,
    options: HandleCommandOptions = {},
  ): Promise<CommandResult<S, E>> {
    assertStreamId(streamId);
    const defaults = { command: typeOf(command), payload: command };
    const outcome = await this.#run([streamId], [command], options, defaults);
    const [stream] = outcome.streams as [CommandOutcome<S, E, undefined>['streams'][number]];
    return {
      state: stream.state,
      version: stream.version,
      events: stream.events,
      attempts: outcome.attempts,
      replayed: outcome.replayed,
    };
  }

  /**
   * Decides each command against its own stream's state and stores the events of all of them in one
   * atomic `TransactWriteItems` (a stream that decided nothing is checked not to have moved). On a
   * conflict only the streams that moved read their new events, and every command is decided again.
   *
   * @example
   * await accounts.handleMany([
   *   { streamId: 'a-1', command: { type: 'Withdraw', amount: 5 } },
   *   { streamId: 'a-2', command: { type: 'Deposit', amount: 5 } },
   * ], { idempotency: { key: requestId } });
   */
  async handleMany(
    commands: readonly { readonly streamId: string; readonly command: C }[],
    options: HandleCommandOptions = {},
  ): Promise<ManyCommandResult<S, E>> {
    if (!Array.isArray(commands)) {
      throw new InvalidInputError('commands', 'expected an array of { streamId, command }');
    }
    assertStreamIds(
      commands.map((entry: { streamId?: unknown } | null) => entry?.streamId),
      'commands',
    );
    const list = commands.map((entry) => entry.command);
    const defaults = { command: list.map(typeOf).join('+'), payload: list };
    const outcome = await this.#run(
      commands.map((entry) => entry.streamId),
      list,
      options,
      defaults,
    );
    return {
      streams: outcome.streams.map(({ streamId, state, version, events }) => ({
        streamId,
        state,
        version,
        events,
      })),
      attempts: outcome.attempts,
      replayed: outcome.replayed,
    };
  }

  /**
   * A stream's current state and version (version 0 when it does not exist).
   *
   * @example
   * const { state, version } = await accounts.load('account-1');
   */
  async load(streamId: string): Promise<{ readonly state: S; readonly version: number }> {
    assertStreamId(streamId);
    const { state, version } = await loadStream(this.#context.store, this.#kind, streamId);
    return { state, version };
  }

  #run(
    streamIds: readonly string[],
    commands: readonly C[],
    options: HandleCommandOptions,
    defaults: { command: string; payload: unknown },
  ): Promise<CommandOutcome<S, E, undefined>> {
    const { retries = this.#retries, metadata } = assertCommandOptions(options);
    const { idempotency, mustExist } = options ?? {};
    return runCommand(this.#context, {
      spanName: 'dynamo-es.handle',
      streamIds,
      kind: this.#kind,
      retries,
      mustExist: mustExist === true,
      ...(metadata === undefined ? {} : { metadata }),
      ...(idempotency === undefined ? {} : { idempotency: idempotencyKeyOf(idempotency, defaults) }),
      decide: async (streams) => ({
        decisions: streams.map((stream, index) => this.#decide(commands[index] as C, stream)),
        value: undefined,
      }),
    });
  }

  #decide(command: C, stream: LoadedStream<S>) {
    const decided = this.#decider.decide(command, stream.state);
    const events = Array.isArray(decided) ? (decided as readonly E[]) : [decided as E];
    const state = events.reduce((current, event) => this.#decider.evolve(current, event), stream.state);
    return { events: events as never, state };
  }
}

/**
 * Handles one command with a {@link Decider}, as {@link DeciderCommandHandler.handle} does. Create a
 * `DeciderCommandHandler` once instead when handling many commands with snapshots or a cache.
 *
 * @example
 * const { events } = await handleCommand({ store, decider: bankAccount, streamId: 'account-1', command: deposit });
 */
export async function handleCommand<S, C, E extends EventShape>(
  options: DeciderCommandHandlerOptions<S, C, E> &
    HandleCommandOptions & { readonly streamId: string; readonly command: C },
): Promise<CommandResult<S, E>> {
  assertObject(options, 'options', '{ store, decider, streamId, command }');
  const { streamId, command, retries, metadata, idempotency, mustExist, ...handlerOptions } = options;
  return new DeciderCommandHandler(handlerOptions).handle(streamId, command, {
    ...(retries === undefined ? {} : { retries }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(idempotency === undefined ? {} : { idempotency }),
    ...(mustExist === undefined ? {} : { mustExist }),
  });
}

function typeOf(command: unknown): string {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.length > 0 ? type : 'command';
}
