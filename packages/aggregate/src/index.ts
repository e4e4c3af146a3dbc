export { Aggregate, type EventHandlers, type UnknownEventPolicy } from './aggregate.js';
export { AggregateRepository } from './aggregate-repository.js';
export type {
  AggregateRepositoryOptions,
  EventOf,
  SaveOptions,
  StateOf,
  UpdateManyResult,
  UpdateOptions,
  UpdateResult,
} from './aggregate-repository-types.js';
export type { Decider } from './decider.js';
export {
  type CommandResult,
  DeciderCommandHandler,
  type DeciderCommandHandlerOptions,
  type HandleCommandOptions,
  handleCommand,
  type ManyCommandResult,
} from './decider-command-handler.js';
export {
  AggregateErrorCode,
  AggregateNotFoundError,
  AggregatePackageError,
  IdempotencyKeyReusedError,
  isAggregateNotFoundError,
  isAggregatePackageError,
  isIdempotencyKeyReusedError,
  isRetriesExhaustedError,
  isUnknownEventTypeError,
  RetriesExhaustedError,
  UnknownEventTypeError,
} from './errors.js';
export type { EventSourcedAggregate, HistoryEvent } from './event-sourced.js';
export type { IdempotencyOptions } from './idempotency.js';
export { DEFAULT_RETRIES, defaultRetryDelay } from './internal/retry.js';
export type { CommandSetupOptions } from './internal/setup.js';
export type { SnapshotErrorContext, SnapshotOptions } from './snapshot-options.js';
export { StateCache, type StateCacheOptions } from './state-cache.js';
