export {
  type CommandHandlerContext,
  type CommandHandlers,
  type CommandRejection,
  type CommandRetry,
  DEFAULT_COMMAND_RETRY,
  isRejection,
  rejected,
} from './commands.js';
export { type DeadlineTimer, startDeadlineTimer } from './deadline-timer.js';
export type { PollResult } from './deadlines/deadline-poller.js';
export type { IndexedDeadline } from './deadlines/deadline-requests.js';
export { shardOf } from './deadlines/deadline-requests.js';
export type { ReactionStats } from './engine/react.js';
export type { SagaStreamHandler } from './engine/stream-handler.js';
export {
  CorruptSagaEventError,
  InvalidDecisionError,
  InvalidSagaError,
  isCorruptSagaEventError,
  isInvalidDecisionError,
  isInvalidSagaError,
  isSagaConflictError,
  isSagaError,
  isSagaNotFoundError,
  SagaConflictError,
  SagaError,
  SagaErrorCode,
  SagaNotFoundError,
} from './errors.js';
export type { SagaProcessOptions } from './process-options.js';
export {
  type CommandResult,
  type CommandShape,
  type DeadlineRequest,
  type Decision,
  defineSaga,
  type FiredDeadline,
  type Saga,
  type SagaContext,
  type SagaDefinition,
} from './saga.js';
export {
  commandKey,
  type PlannedCommand,
  SagaEventType,
  type SagaStepData,
  type SagaTrigger,
  sagaStreamId,
} from './saga-events.js';
export type { PendingCommand, SagaInstance } from './saga-instance.js';
export {
  type ListSagasOptions,
  SagaOperations,
  type SagaOperationsOptions,
  type SagaSummary,
  sagaOperations,
} from './saga-operations.js';
export { SagaProcess } from './saga-process.js';
