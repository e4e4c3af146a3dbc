import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventShape, EventStore, Logger } from '@dynamo-es/event-store';
import type { CommandHandlers, CommandRetry } from './commands.js';
import { InvalidSagaError } from './errors.js';
import type { CommandShape, Saga } from './saga.js';

/**
 * What a {@link SagaProcess} runs a saga with.
 *
 * @example
 * const options: SagaProcessOptions<TransferState, AccountCommand> = { saga: transfer, eventStore, commands };
 */
export interface SagaProcessOptions<S, C extends CommandShape> {
  readonly saga: Saga<EventShape, S, C>;
  /** The events table: source events, and the saga's own streams `saga.<name>.<sagaId>`. */
  readonly eventStore: EventStore;
  /** One handler per command type the saga sends (checked before any step is written). */
  readonly commands: CommandHandlers<C>;
  /** Client of the read-model table (checkpoints, dead letters, deadline index); default the store's. */
  readonly client?: DynamoDBClient;
  /** Default `${eventStore.tableName}-read-models`, the table `ReadModels` uses. */
  readonly tableName?: string;
  /** Partitions of the deadline index (default 8). Never lower it: the poller reads shards `0..shards-1`. */
  readonly shards?: number;
  /** Retries of a command handler that throws (default 3 calls, 50 ms base, 1 s cap). */
  readonly commandRetry?: Partial<CommandRetry>;
  /** Failed deliveries of one trigger before it is dead-lettered (default 5, as projections). */
  readonly maxAttempts?: number;
  /** Deadlines due at most this many per shard and poll (default 500). */
  readonly maxDeadlinesPerShard?: number;
  /** The clock of decisions and deadlines (default `() => new Date()`). */
  readonly now?: () => Date;
  /** Default: the event store's logger. */
  readonly logger?: Logger;
}

export function assertOptions<S, C extends CommandShape>(options: SagaProcessOptions<S, C>): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidSagaError('options', 'expected { saga, eventStore, commands }');
  }
  const { saga, eventStore, commands } = options;
  if (typeof saga?.react !== 'function' || typeof saga.correlate !== 'function') {
    throw new InvalidSagaError('saga', 'expected a saga from defineSaga()');
  }
  if (typeof eventStore?.append !== 'function' || typeof eventStore.tableName !== 'string') {
    throw new InvalidSagaError('eventStore', 'expected the EventStore of the events table');
  }
  if (typeof commands !== 'object' || commands === null) {
    throw new InvalidSagaError(
      'commands',
      'expected { [commandType]: async (command, { idempotencyKey }) => ... }',
    );
  }
  for (const [type, handler] of Object.entries(commands)) {
    if (typeof handler !== 'function') throw new InvalidSagaError(`commands.${type}`, 'expected a function');
  }
  if (options.client !== undefined && typeof options.client?.send !== 'function') {
    throw new InvalidSagaError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
  }
  if (
    options.tableName !== undefined &&
    (typeof options.tableName !== 'string' || options.tableName === '')
  ) {
    throw new InvalidSagaError('tableName', 'expected the name of the read-model table');
  }
  assertLimits(options);
}

function assertLimits<S, C extends CommandShape>(options: SagaProcessOptions<S, C>): void {
  positive(options.shards, 'shards', 1_000);
  positive(options.maxAttempts, 'maxAttempts', 1_000);
  positive(options.maxDeadlinesPerShard, 'maxDeadlinesPerShard', 100_000);
  positive(options.commandRetry?.attempts, 'commandRetry.attempts', 100);
  for (const field of ['baseMs', 'capMs'] as const) {
    const value = options.commandRetry?.[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new InvalidSagaError(
        `commandRetry.${field}`,
        `expected a non-negative integer, got ${String(value)}`,
      );
    }
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new InvalidSagaError('now', 'expected a function returning a Date');
  }
}

function positive(value: number | undefined, path: string, max: number): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidSagaError(path, `expected an integer from 1 to ${max}, got ${String(value)}`);
  }
}
