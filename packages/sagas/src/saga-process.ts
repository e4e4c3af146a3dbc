import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type EventShape, type Logger, silentLogger } from '@dynamo-es/event-store';
import { createReadModelTable, type DeadLetter } from '@dynamo-es/projections';
import { DEFAULT_RULES, StreamCheckpoints } from '@dynamo-es/projections/internal';
import { type CommandHandlers, DEFAULT_COMMAND_RETRY } from './commands.js';
import { DeadlineIndex } from './deadlines/deadline-index.js';
import { type PollResult, pollDeadlines } from './deadlines/deadline-poller.js';
import { type Dispatcher, sendPending } from './engine/dispatch.js';
import type { ReactionStats } from './engine/react.js';
import { sagaUnit } from './engine/saga-unit.js';
import { createSagaHandler, type SagaStreamHandler } from './engine/stream-handler.js';
import { SagaNotFoundError } from './errors.js';
import { assertOptions, type SagaProcessOptions } from './process-options.js';
import type { CommandShape, Saga } from './saga.js';

import { assertSagaId, sagaStreamId } from './saga-events.js';
import type { SagaInstance } from './saga-instance.js';
import { type ListSagasOptions, SagaOperations, type SagaSummary } from './saga-operations.js';
import { SagaStreams } from './saga-streams.js';
import { RunningIndex } from './status/running-index.js';

/**
 * Runs one saga: the stream handler that reacts to events and sends its commands (Lambda, or the
 * `StreamRunner`), the deadline poller (a schedule, or {@link startDeadlineTimer}), and the
 * operator's tools (`load`, `retry`, `abandon`, `deadLetters`).
 *
 * @example
 * const transfers = new SagaProcess({ saga: transfer, eventStore, commands });
 * export const handler = transfers.streamHandler();
 * export const deadlines = transfers.deadlineHandler();
 */
export class SagaProcess<S, C extends CommandShape> {
  readonly saga: Saga<EventShape, S, C>;
  readonly tableName: string;
  readonly #options: SagaProcessOptions<S, C>;
  readonly #dispatcher: Dispatcher;
  readonly #streams: SagaStreams<S>;
  readonly #client: DynamoDBClient;
  readonly #now: () => Date;
  readonly #logger: Logger;
  readonly #operations: SagaOperations<S>;

  constructor(options: SagaProcessOptions<S, C>) {
    assertOptions(options);
    const { saga, eventStore } = options;
    this.saga = saga;
    this.#options = options;
    this.#client = options.client ?? eventStore.client;
    this.tableName = options.tableName ?? `${eventStore.tableName}-read-models`;
    this.#now = options.now ?? (() => new Date());
    this.#logger = options.logger ?? eventStore.logger ?? silentLogger;
    const commands = options.commands as CommandHandlers<CommandShape>;
    this.#streams = new SagaStreams<S>({
      store: eventStore,
      saga,
      now: this.#now,
      knownCommands: (type) => typeof (commands as Record<string, unknown>)[type] === 'function',
    });
    const deadlines = new DeadlineIndex({
      client: this.#client,
      tableName: this.tableName,
      sagaName: saga.name,
      shards: options.shards ?? 8,
    });
    const running = new RunningIndex({
      client: this.#client,
      tableName: this.tableName,
      sagaName: saga.name,
      shards: options.shards ?? 8,
    });
    const retry = { ...DEFAULT_COMMAND_RETRY, ...options.commandRetry };
    this.#dispatcher = {
      streams: this.#streams as SagaStreams<unknown>,
      commands,
      deadlines,
      running,
      retry,
    };
    this.#operations = new SagaOperations({ streams: this.#streams, running, now: this.#now });
  }

  /**
   * The Lambda handler for the events table's DynamoDB Stream (assignable to
   * `DynamoDBStreamHandler`, usable by the `StreamRunner`). Configure the event source mapping with
   * `FunctionResponseTypes: ['ReportBatchItemFailures']`.
   *
   * @example
   * export const handler: DynamoDBStreamHandler = transfers.streamHandler();
   */
  streamHandler(options: { readonly onBatch?: (stats: ReactionStats) => void } = {}): SagaStreamHandler {
    return createSagaHandler({
      client: this.#client,
      tableName: this.tableName,
      unit: sagaUnit(this.#dispatcher),
      rules: { ...DEFAULT_RULES, maxAttempts: this.#options.maxAttempts ?? DEFAULT_RULES.maxAttempts },
      eventStore: this.#options.eventStore,
      logger: this.#logger,
      now: this.#now,
      ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    });
  }

  /**
   * Fires every deadline due now (by the process's clock), exactly once each.
   *
   * @example
   * const { fired } = await transfers.pollDeadlines();
   */
  pollDeadlines(): Promise<PollResult> {
    return pollDeadlines({
      index: this.#dispatcher.deadlines,
      streams: this.#dispatcher.streams,
      now: this.#now(),
      maxPerShard: this.#options.maxDeadlinesPerShard ?? 500,
      logger: this.#logger,
    });
  }

  /**
   * The Lambda handler for a schedule (an EventBridge rule `rate(1 minute)` or EventBridge
   * Scheduler): one poll per invocation.
   *
   * @example
   * export const deadlines = transfers.deadlineHandler();
   */
  deadlineHandler(): (event?: unknown, context?: unknown) => Promise<PollResult> {
    return () => this.pollDeadlines();
  }

  /**
   * The saga instance as its stream says (state, pending commands, deadlines, outcome).
   *
   * @example
   * const { state, pending, deadlines, ended } = await transfers.load('t-42');
   */
  load(sagaId: string): Promise<SagaInstance<S>> {
    assertSagaId(sagaId, 'sagaId');
    return this.#streams.load(sagaId);
  }

  /** The saga instance's stream id (`saga.<name>.<sagaId>`). @example transfers.streamIdOf('t-42') */
  streamIdOf(sagaId: string): string {
    return sagaStreamId(this.saga.name, sagaId);
  }

  /**
   * Sends the instance's pending commands again (same idempotency keys: never applied twice) and
   * indexes its deadlines again: what an operator does once the cause of a dead letter is fixed.
   *
   * @example
   * await transfers.retry('t-42');
   * @throws SagaNotFoundError when the instance has no events.
   */
  async retry(sagaId: string): Promise<SagaInstance<S>> {
    let instance = await this.#existing(sagaId);
    for (const deadline of instance.deadlines) {
      await this.#dispatcher.deadlines.put({ sagaId, deadlineId: deadline.id, at: deadline.at });
    }
    for (const command of instance.pending) {
      instance = (await sendPending(this.#dispatcher, instance, command)) as SagaInstance<S>;
    }
    return instance;
  }

  /**
   * Ends the instance with outcome `'abandoned'`: its pending commands are not sent any more, its
   * deadlines never fire, later events are ignored. A no-op on an ended saga.
   *
   * @example
   * await transfers.abandon('t-42', 'approved by phone, completed by hand');
   * @throws SagaNotFoundError when the instance has no events.
   */
  abandon(sagaId: string, reason: string): Promise<SagaInstance<S>> {
    return this.#operations.abandon(sagaId, reason);
  }

  /**
   * The running instances, each checked against its stream, oldest step first; `stuck` says why one
   * looks stuck (a command unanswered, or a deadline overdue, for longer than `stuckForMs`).
   *
   * @example
   * const stuck = await transfers.list({ stuckOnly: true });
   */
  list(options: ListSagasOptions = {}): Promise<SagaSummary<S>[]> {
    return this.#operations.list(options);
  }

  /**
   * The saga's dead letters: triggers (source events, steps) that kept failing.
   *
   * @example
   * const open = await transfers.deadLetters({ status: 'open' });
   */
  deadLetters(
    filter: { readonly streamId?: string; readonly status?: 'open' | 'replayed' | 'all' } = {},
  ): Promise<DeadLetter[]> {
    const unit = sagaUnit(this.#dispatcher);
    return new StreamCheckpoints({ client: this.#client, tableName: this.tableName, unit }).deadLetters(
      filter,
    );
  }

  /**
   * Creates the read-model table unless it exists (checkpoints, dead letters, deadline index).
   *
   * @example
   * await transfers.createTable();
   */
  createTable(): Promise<void> {
    return createReadModelTable(this.#client, { tableName: this.tableName });
  }

  async #existing(sagaId: string): Promise<SagaInstance<S>> {
    const instance = await this.load(sagaId);
    if (instance.version === 0) throw new SagaNotFoundError(this.saga.name, sagaId);
    return instance;
  }
}
