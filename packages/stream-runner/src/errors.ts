/**
 * Typed errors of the stream runner.
 *
 * Every error carries a stable string `code`; the `isXError()` guards check that code rather than
 * `instanceof`, so they keep working when two copies of the package end up installed.
 */

/** Stable codes of every error the stream runner throws or reports. */
export const StreamRunnerErrorCode = {
  StreamNotEnabled: 'DYNAMO_ES_STREAM_NOT_ENABLED',
  InvalidOptions: 'DYNAMO_ES_RUNNER_INVALID_OPTIONS',
  State: 'DYNAMO_ES_RUNNER_STATE',
  CaughtUpTimeout: 'DYNAMO_ES_RUNNER_CAUGHT_UP_TIMEOUT',
  MalformedBatchResponse: 'DYNAMO_ES_RUNNER_MALFORMED_BATCH_RESPONSE',
  BatchItemFailures: 'DYNAMO_ES_RUNNER_BATCH_ITEM_FAILURES',
  RecordsTrimmed: 'DYNAMO_ES_RUNNER_RECORDS_TRIMMED',
} as const;
export type StreamRunnerErrorCode = (typeof StreamRunnerErrorCode)[keyof typeof StreamRunnerErrorCode];

/** Base class of every error of the stream runner. */
export class StreamRunnerError extends Error {
  readonly code: StreamRunnerErrorCode;

  constructor(code: StreamRunnerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamRunnerError';
    this.code = code;
  }
}

/** The table has no DynamoDB Stream (or it is disabled), so there is nothing to read. */
export class StreamNotEnabledError extends StreamRunnerError {
  readonly tableName: string;

  constructor(tableName: string) {
    super(
      StreamRunnerErrorCode.StreamNotEnabled,
      `Table "${tableName}" has no enabled DynamoDB Stream. Enable one with ` +
        `UpdateTable { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } ` +
        `(CLI: aws dynamodb update-table --table-name ${tableName} --stream-specification ` +
        'StreamEnabled=true,StreamViewType=NEW_IMAGE), or create the table with that StreamSpecification.',
    );
    this.name = 'StreamNotEnabledError';
    this.tableName = tableName;
  }
}

/** An option given to `new StreamRunner(...)` is out of range or of the wrong type. */
export class InvalidRunnerOptionsError extends StreamRunnerError {
  /** The option at fault, e.g. `batchSize`. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super(StreamRunnerErrorCode.InvalidOptions, `Invalid StreamRunner option ${option}: ${problem}`);
    this.name = 'InvalidRunnerOptionsError';
    this.option = option;
  }
}

/** A method was called in a state that does not allow it (e.g. `start()` twice, or stopped while waiting). */
export class RunnerStateError extends StreamRunnerError {
  readonly state: string;

  constructor(state: string, message: string) {
    super(StreamRunnerErrorCode.State, message);
    this.name = 'RunnerStateError';
    this.state = state;
  }
}

/** `waitForCaughtUp()` gave up: some shards had not delivered everything written before the call. */
export class CaughtUpTimeoutError extends StreamRunnerError {
  readonly timeoutMs: number;
  /** Shards that were not caught up when the time ran out. */
  readonly pendingShardIds: readonly string[];

  constructor(timeoutMs: number, pendingShardIds: readonly string[]) {
    super(
      StreamRunnerErrorCode.CaughtUpTimeout,
      `The stream runner did not catch up within ${timeoutMs} ms; shards still pending: ` +
        `${pendingShardIds.join(', ') || '(shard discovery not finished)'}. ` +
        'A failing or slow handler, or stream read errors (see onError), keep a shard behind.',
    );
    this.name = 'CaughtUpTimeoutError';
    this.timeoutMs = timeoutMs;
    this.pendingShardIds = pendingShardIds;
  }
}

/**
 * The handler's response could not be read as a `DynamoDBBatchResponse`. Like Lambda, the runner then
 * fails the whole batch. Given to `onFailure` when the retries run out.
 */
export class MalformedBatchResponseError extends StreamRunnerError {
  constructor(problem: string) {
    super(
      StreamRunnerErrorCode.MalformedBatchResponse,
      `Malformed batch response, the whole batch fails: ${problem}. Return { batchItemFailures: ` +
        '[{ itemIdentifier: record.dynamodb.SequenceNumber }] } naming only records of the batch.',
    );
    this.name = 'MalformedBatchResponseError';
  }
}

/** The handler reported `batchItemFailures`; given to `onFailure` when the retries run out. */
export class BatchItemFailuresError extends StreamRunnerError {
  /** The sequence numbers the handler reported as failed. */
  readonly itemIdentifiers: readonly string[];

  constructor(itemIdentifiers: readonly string[]) {
    super(
      StreamRunnerErrorCode.BatchItemFailures,
      `The handler reported ${itemIdentifiers.length} failed record(s): ${itemIdentifiers.join(', ')}`,
    );
    this.name = 'BatchItemFailuresError';
    this.itemIdentifiers = itemIdentifiers;
  }
}

/**
 * Records of a shard were trimmed (older than 24 hours) before the runner read them: they are lost to
 * this runner. Reported to `onError`; the runner goes on from the oldest record still in the shard.
 */
export class RecordsTrimmedError extends StreamRunnerError {
  readonly shardId: string;
  /** The checkpoint the runner tried to resume after, if any. */
  readonly afterSequenceNumber: string | undefined;

  constructor(
    details: { shardId: string; afterSequenceNumber: string | undefined },
    options?: { cause?: unknown },
  ) {
    super(
      StreamRunnerErrorCode.RecordsTrimmed,
      `Records of shard ${details.shardId} after ${details.afterSequenceNumber ?? 'its start'} were trimmed ` +
        'from the stream (older than 24 hours) before they were read; continuing from the trim horizon. ' +
        'Rebuild the read models to recover.',
      options,
    );
    this.name = 'RecordsTrimmedError';
    this.shardId = details.shardId;
    this.afterSequenceNumber = details.afterSequenceNumber;
  }
}

function hasCode(error: unknown, code: StreamRunnerErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** True for any error of the stream runner. */
export const isStreamRunnerError = (error: unknown): error is StreamRunnerError =>
  Object.values(StreamRunnerErrorCode).some((code) => hasCode(error, code));
export const isStreamNotEnabledError = (error: unknown): error is StreamNotEnabledError =>
  hasCode(error, StreamRunnerErrorCode.StreamNotEnabled);
export const isInvalidRunnerOptionsError = (error: unknown): error is InvalidRunnerOptionsError =>
  hasCode(error, StreamRunnerErrorCode.InvalidOptions);
export const isRunnerStateError = (error: unknown): error is RunnerStateError =>
  hasCode(error, StreamRunnerErrorCode.State);
export const isCaughtUpTimeoutError = (error: unknown): error is CaughtUpTimeoutError =>
  hasCode(error, StreamRunnerErrorCode.CaughtUpTimeout);
export const isMalformedBatchResponseError = (error: unknown): error is MalformedBatchResponseError =>
  hasCode(error, StreamRunnerErrorCode.MalformedBatchResponse);
export const isBatchItemFailuresError = (error: unknown): error is BatchItemFailuresError =>
  hasCode(error, StreamRunnerErrorCode.BatchItemFailures);
export const isRecordsTrimmedError = (error: unknown): error is RecordsTrimmedError =>
  hasCode(error, StreamRunnerErrorCode.RecordsTrimmed);
