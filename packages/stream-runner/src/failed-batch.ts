import type { DynamoDBRecord } from 'aws-lambda';
import { sequenceNumberOf } from './lambda-record.js';

/**
 * Records the runner gave up on after the retries ran out, given to `onFailure`. It carries what
 * Lambda's OnFailure destination sends for DynamoDB Streams (`DDBStreamBatchInfo`) and also the records
 * themselves, so they can be stored and replayed after a fix.
 */
export interface FailedBatch {
  /** Always `'RetryAttemptsExhausted'`, like Lambda's `requestContext.condition`. */
  readonly condition: 'RetryAttemptsExhausted';
  readonly streamArn: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** ISO time of the first and last record (`ApproximateCreationDateTime`), when DynamoDB gave it. */
  readonly approximateArrivalOfFirstRecord: string | undefined;
  readonly approximateArrivalOfLastRecord: string | undefined;
  readonly batchSize: number;
  /** Invocations that included the first of these records. */
  readonly attempts: number;
  /** The records given up on, in shard order, exactly as the handler received them. */
  readonly records: readonly DynamoDBRecord[];
  /** The last failure: the handler's error, a `MalformedBatchResponseError` or a `BatchItemFailuresError`. */
  readonly error: unknown;
}

const arrival = (record: DynamoDBRecord | undefined): string | undefined => {
  const seconds = record?.dynamodb?.ApproximateCreationDateTime;
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
};

/** Builds the {@link FailedBatch} for records of one shard. */
export function failedBatch(input: {
  streamArn: string;
  shardId: string;
  records: readonly DynamoDBRecord[];
  attempts: number;
  error: unknown;
}): FailedBatch {
  const first = input.records[0];
  const last = input.records[input.records.length - 1];
  return {
    condition: 'RetryAttemptsExhausted',
    streamArn: input.streamArn,
    shardId: input.shardId,
    startSequenceNumber: first === undefined ? '' : sequenceNumberOf(first),
    endSequenceNumber: last === undefined ? '' : sequenceNumberOf(last),
    approximateArrivalOfFirstRecord: arrival(first),
    approximateArrivalOfLastRecord: arrival(last),
    batchSize: input.records.length,
    attempts: input.attempts,
    records: input.records,
    error: input.error,
  };
}
