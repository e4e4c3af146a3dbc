export { Aggregate, type EventHandlers, type UnknownEventPolicy } from './aggregate.js';
export {
  AggregateRepository,
  type AggregateRepositoryOptions,
  type EventOf,
  type SaveOptions,
  type StateOf,
  type UpdateOptions,
  type UpdateResult,
} from './aggregate-repository.js';
export {
  type CommandResult,
  type Decider,
  DeciderCommandHandler,
  type DeciderCommandHandlerOptions,
  type HandleCommandOptions,
  handleCommand,
} from './decider.js';
export {
  AggregateErrorCode,
  AggregateNotFoundError,
  AggregatePackageError,
  isAggregateNotFoundError,
  isAggregatePackageError,
  isRetriesExhaustedError,
  isUnknownEventTypeError,
  RetriesExhaustedError,
  UnknownEventTypeError,
} from './errors.js';
export type { EventSourcedAggregate, HistoryEvent } from './event-sourced.js';
export { DEFAULT_RETRIES, defaultRetryDelay } from './internal/retry.js';
export type { SnapshotErrorContext, SnapshotOptions } from './snapshot-options.js';
