import { EventStoreError, EventStoreErrorCode } from '../errors.js';
import type { IdempotencyRecord } from './types.js';

/**
 * A keyed append found its key already recorded by another append: the command it stands for was
 * already applied (`record` says where its events are), or the key was reused for another command
 * (compare `record.command` and `record.fingerprint`). Nothing was written.
 *
 * @example
 * try {
 *   await store.appendMany(appends, { idempotency });
 * } catch (error) {
 *   if (isIdempotencyKeyExistsError(error)) return replay(error.record);
 * }
 */
export class IdempotencyKeyExistsError extends EventStoreError {
  readonly key: string;
  readonly record: IdempotencyRecord;

  constructor(record: IdempotencyRecord) {
    super(
      EventStoreErrorCode.IdempotencyKeyExists,
      `Idempotency key "${record.key}" is already recorded for command "${record.command}" ` +
        `(streams ${record.streams.map((stream) => `"${stream.streamId}"`).join(', ')}). Nothing was written.`,
    );
    this.name = 'IdempotencyKeyExistsError';
    this.key = record.key;
    this.record = record;
  }
}

/**
 * An item of the idempotency table is not a record this version reads (written by something else, or damaged).
 *
 * @example
 * if (isCorruptIdempotencyRecordError(error)) console.error(`record of ${error.key} is damaged`);
 */
export class CorruptIdempotencyRecordError extends EventStoreError {
  readonly key: string;

  constructor(key: string, problem: string, cause?: unknown) {
    super(
      EventStoreErrorCode.CorruptIdempotencyRecord,
      `Not a valid idempotency record for key "${key}": ${problem}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'CorruptIdempotencyRecordError';
    this.key = key;
  }
}

const hasCode = (error: unknown, code: string) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/**
 * True for an {@link IdempotencyKeyExistsError}, by `code`.
 *
 * @example
 * if (isIdempotencyKeyExistsError(error)) console.log(error.record.streams);
 */
export const isIdempotencyKeyExistsError = (error: unknown): error is IdempotencyKeyExistsError =>
  hasCode(error, EventStoreErrorCode.IdempotencyKeyExists);

/**
 * True for a {@link CorruptIdempotencyRecordError}, by `code`.
 *
 * @example
 * if (isCorruptIdempotencyRecordError(error)) console.error(error.key);
 */
export const isCorruptIdempotencyRecordError = (error: unknown): error is CorruptIdempotencyRecordError =>
  hasCode(error, EventStoreErrorCode.CorruptIdempotencyRecord);
