import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type EventShape, type EventStore, mapLimit } from '@dynamo-es/event-store';
import { InvalidSagaError, SagaNotFoundError } from './errors.js';
import { type CommandShape, SAGA_NAME_PATTERN, type Saga } from './saga.js';
import { assertSagaId } from './saga-events.js';
import type { PendingCommand, SagaInstance } from './saga-instance.js';
import { SagaStreams } from './saga-streams.js';
import { RunningIndex } from './status/running-index.js';

/** A running instance as an operator sees it. */
export interface SagaSummary<S = unknown> {
  readonly sagaId: string;
  readonly state: S;
  readonly version: number;
  /** When the last step was recorded. */
  readonly waitingSince: string;
  readonly pending: readonly PendingCommand[];
  /** The soonest pending deadline. */
  readonly nextDeadline?: string;
  /** Why it looks stuck: a command unanswered, or a deadline overdue, for longer than `stuckFor`. */
  readonly stuck?: 'command-pending' | 'deadline-overdue';
}

/** Options of `list`. */
export interface ListSagasOptions {
  /** How long a command may stay unanswered, or a deadline overdue, before the saga is stuck (default 5 minutes). */
  readonly stuckForMs?: number;
  /** Only the stuck ones. */
  readonly stuckOnly?: boolean;
}

/**
 * What operators do with a saga's instances, without its code: `list` (running, or stuck), `load`
 * and `abandon`. `SagaProcess` has the same; the CLI uses this one, built by name with
 * {@link sagaOperations}.
 */
export class SagaOperations<S = unknown> {
  readonly sagaName: string;
  readonly #streams: SagaStreams<S>;
  readonly #running: RunningIndex;
  readonly #now: () => Date;

  constructor(parts: {
    readonly streams: SagaStreams<S>;
    readonly running: RunningIndex;
    readonly now: () => Date;
  }) {
    this.sagaName = parts.streams.saga.name;
    this.#streams = parts.streams;
    this.#running = parts.running;
    this.#now = parts.now;
  }

  /** The instance as its stream says. @example await operations.load('t-42') */
  load(sagaId: string): Promise<SagaInstance<S>> {
    assertSagaId(sagaId, 'sagaId');
    return this.#streams.load(sagaId);
  }

  /**
   * The running instances (from the index of running instances, each checked against its stream),
   * oldest step first. Costs one `Query` per shard and one per instance.
   *
   * @example
   * const stuck = await transfers.list({ stuckOnly: true });
   */
  async list(options: ListSagasOptions = {}): Promise<SagaSummary<S>[]> {
    const stuckFor = options.stuckForMs ?? 5 * 60_000;
    if (!Number.isSafeInteger(stuckFor) || stuckFor < 0) {
      throw new InvalidSagaError('stuckForMs', `expected a non-negative integer, got ${String(stuckFor)}`);
    }
    const now = this.#now().getTime();
    const running = await this.#running.list();
    const summaries = await mapLimit(running, 8, async ({ sagaId }) => {
      const instance = await this.#streams.load(sagaId);
      if (instance.version === 0) return undefined;
      if (instance.ended) {
        // A stale index item (written by a redelivery after the end): tidy it.
        await this.#running.ended(sagaId);
        return undefined;
      }
      return summaryOf(instance, now, stuckFor);
    });
    return summaries
      .filter((summary): summary is SagaSummary<S> => summary !== undefined)
      .filter((summary) => !options.stuckOnly || summary.stuck !== undefined)
      .sort((a, b) => (a.waitingSince < b.waitingSince ? -1 : a.waitingSince > b.waitingSince ? 1 : 0));
  }

  /**
   * Ends the instance with outcome `'abandoned'`: its pending commands are not sent any more, its
   * deadlines never fire, later events are ignored. A no-op on an ended saga.
   *
   * @example
   * await transfers.abandon('t-42', 'approved by phone, completed by hand');
   * @throws SagaNotFoundError when the instance has no events.
   */
  async abandon(sagaId: string, reason: string): Promise<SagaInstance<S>> {
    if (typeof reason !== 'string' || reason === '')
      throw new InvalidSagaError('reason', 'expected a non-empty reason');
    const instance = await this.load(sagaId);
    if (instance.version === 0) throw new SagaNotFoundError(this.sagaName, sagaId);
    return (await this.#streams.advance(sagaId, { kind: 'abandon', reason }, instance)).instance;
  }
}

function summaryOf<S>(instance: SagaInstance<S>, now: number, stuckFor: number): SagaSummary<S> {
  const oldestPending = instance.pending[0]?.since;
  const next = instance.deadlines[0]?.at;
  const stuck =
    oldestPending !== undefined && now - Date.parse(oldestPending) > stuckFor
      ? 'command-pending'
      : next !== undefined && now - Date.parse(next) > stuckFor
        ? 'deadline-overdue'
        : undefined;
  return {
    sagaId: instance.sagaId,
    state: instance.state,
    version: instance.version,
    waitingSince: instance.updatedAt ?? '',
    pending: instance.pending,
    ...(next === undefined ? {} : { nextDeadline: next }),
    ...(stuck === undefined ? {} : { stuck }),
  };
}

/** A saga known only by its name: enough to read, list and abandon its instances (never to decide). */
export function namedSaga(name: string): Saga<EventShape, unknown, CommandShape> {
  return Object.freeze({
    name,
    eventTypes: [],
    initialState: () => null,
    correlate: () => undefined,
    react: () => undefined,
    result: () => undefined,
    deadline: () => undefined,
  });
}

/** Options of {@link sagaOperations}. */
export interface SagaOperationsOptions {
  readonly sagaName: string;
  readonly eventStore: EventStore;
  readonly client?: DynamoDBClient;
  readonly tableName?: string;
  /** The saga process's `shards` (default 8). */
  readonly shards?: number;
  readonly now?: () => Date;
}

/**
 * The operations of a saga by its name (no saga code needed): what the CLI runs.
 *
 * @example
 * const transfers = sagaOperations({ sagaName: 'transfer', eventStore });
 * for (const saga of await transfers.list({ stuckOnly: true })) console.log(saga.sagaId, saga.stuck);
 * @throws InvalidSagaError when an option is malformed.
 */
export function sagaOperations(options: SagaOperationsOptions): SagaOperations {
  const { sagaName, eventStore } = options ?? {};
  if (typeof sagaName !== 'string' || !SAGA_NAME_PATTERN.test(sagaName)) {
    throw new InvalidSagaError(
      'sagaName',
      `expected 1-64 letters, digits, _ or -, got ${JSON.stringify(sagaName)}`,
    );
  }
  if (typeof eventStore?.readStream !== 'function' || typeof eventStore.tableName !== 'string') {
    throw new InvalidSagaError('eventStore', 'expected the EventStore of the events table');
  }
  const shards = options.shards ?? 8;
  if (!Number.isSafeInteger(shards) || shards < 1 || shards > 1_000) {
    throw new InvalidSagaError('shards', `expected an integer from 1 to 1000, got ${String(shards)}`);
  }
  const now = options.now ?? (() => new Date());
  const streams = new SagaStreams<unknown>({ store: eventStore, saga: namedSaga(sagaName), now });
  const running = new RunningIndex({
    client: options.client ?? eventStore.client,
    tableName: options.tableName ?? `${eventStore.tableName}-read-models`,
    sagaName,
    shards,
  });
  return new SagaOperations({ streams, running, now });
}
