import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { InvalidPropsError } from './errors.js';

/** Tuning of the event source mapping from the events table's stream to the projection function. */
export interface EventSourceSettings {
  /** Records per invocation, 1-10,000. Default: 100. */
  readonly batchSize?: number;
  /** How long Lambda gathers records before invoking, up to 5 minutes. Default: none (at once). */
  readonly maxBatchingWindow?: Duration;
  /**
   * Concurrent batches per stream shard, 1-10. Default: 2. Above 1, Lambda keeps order only per
   * item, so two events of one stream may arrive out of order: the projection handler tolerates
   * that (checkpoints and gap filling), which is what makes raising it safe.
   */
  readonly parallelizationFactor?: number;
  /** Retries of a failing batch before it goes to the dead-letter queue, 0-10,000. Default: 5. */
  readonly retryAttempts?: number;
  /** Records older than this go to the dead-letter queue unprocessed, 1 minute to 7 days. Default: 6 hours. */
  readonly maxRecordAge?: Duration;
  /** Default: `TRIM_HORIZON`: events appended while the mapping was created are projected too. */
  readonly startingPosition?: lambda.StartingPosition;
}

/** The mapping's settings with their defaults, checked against what Lambda accepts. */
export function mappingSettings(construct: string, settings: EventSourceSettings) {
  const batchSize = settings.batchSize ?? 100;
  const parallelizationFactor = settings.parallelizationFactor ?? 2;
  const retryAttempts = settings.retryAttempts ?? 5;
  const maxRecordAge = settings.maxRecordAge ?? Duration.hours(6);
  checkRange(construct, 'batchSize', batchSize, 1, 10_000);
  checkRange(construct, 'parallelizationFactor', parallelizationFactor, 1, 10);
  checkRange(construct, 'retryAttempts', retryAttempts, 0, 10_000);
  checkRange(construct, 'maxRecordAge (seconds)', maxRecordAge.toSeconds(), 60, 7 * 24 * 3600);
  if (settings.maxBatchingWindow !== undefined) {
    checkRange(construct, 'maxBatchingWindow (seconds)', settings.maxBatchingWindow.toSeconds(), 0, 300);
  }
  return {
    startingPosition: settings.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
    batchSize,
    parallelizationFactor,
    retryAttempts,
    maxRecordAge,
    ...(settings.maxBatchingWindow === undefined ? {} : { maxBatchingWindow: settings.maxBatchingWindow }),
  };
}

/** @throws InvalidPropsError unless `value` is a whole number within `min`-`max`. */
export function checkRange(construct: string, prop: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPropsError(
      construct,
      prop,
      `must be a whole number from ${min} to ${max}, not ${value}`,
    );
  }
}
