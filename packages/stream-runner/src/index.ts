export { type CheckpointStore, InMemoryCheckpointStore, type ShardKey } from './checkpoint-store.js';
export {
  checkpointTableDefinition,
  createCheckpointTable,
  DynamoDBCheckpointStore,
  type DynamoDBCheckpointStoreOptions,
} from './dynamodb-checkpoint-store.js';
export {
  BatchItemFailuresError,
  CaughtUpTimeoutError,
  InvalidRunnerOptionsError,
  isBatchItemFailuresError,
  isCaughtUpTimeoutError,
  isInvalidRunnerOptionsError,
  isMalformedBatchResponseError,
  isRecordsTrimmedError,
  isRunnerStateError,
  isStreamNotEnabledError,
  isStreamRunnerError,
  MalformedBatchResponseError,
  RecordsTrimmedError,
  RunnerStateError,
  StreamNotEnabledError,
  StreamRunnerError,
  StreamRunnerErrorCode,
} from './errors.js';
export type { FailedBatch } from './failed-batch.js';
export { toLambdaAttributeValue, toLambdaRecord } from './lambda-record.js';
export {
  MAX_BATCH_SIZE,
  type RunnerErrorContext,
  type StartingPosition,
  type StreamRunnerOptions,
} from './options.js';
export type { StreamRunnerStats } from './runner-stats.js';
export { StreamRunner, type WaitForCaughtUpOptions } from './stream-runner.js';
