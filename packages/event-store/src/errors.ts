/**
 * Typed errors of `@dynamo-es/event-store`.
 *
 * Every error carries a stable string `code`; the `isXError()` guards check that code rather than
 * `instanceof`, so they keep working when two copies of the package end up installed.
 */

/** Stable codes of every error this package throws. */
export const EventStoreErrorCode = {
  Concurrency: 'DYNAMO_ES_CONCURRENCY',
  InvalidInput: 'DYNAMO_ES_INVALID_INPUT',
  UnsupportedValue: 'DYNAMO_ES_UNSUPPORTED_VALUE',
  EventTooLarge: 'DYNAMO_ES_EVENT_TOO_LARGE',
  TransactionTooLarge: 'DYNAMO_ES_TRANSACTION_TOO_LARGE',
  CorruptEvent: 'DYNAMO_ES_CORRUPT_EVENT',
  CorruptSnapshot: 'DYNAMO_ES_CORRUPT_SNAPSHOT',
  Upcast: 'DYNAMO_ES_UPCAST',
  Transient: 'DYNAMO_ES_TRANSIENT',
  EventIdReused: 'DYNAMO_ES_EVENT_ID_REUSED',
  IdempotencyKeyExists: 'DYNAMO_ES_IDEMPOTENCY_KEY_EXISTS',
  CorruptIdempotencyRecord: 'DYNAMO_ES_CORRUPT_IDEMPOTENCY_RECORD',
} as const;
export type EventStoreErrorCode = (typeof EventStoreErrorCode)[keyof typeof EventStoreErrorCode];

/** Base class of every error thrown by the event store. */
export class EventStoreError extends Error {
  readonly code: EventStoreErrorCode;

  constructor(code: EventStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreError';
    this.code = code;
  }
}

/**
 * The expected version given to an append did not match the stream. Nothing was written.
 * `actualVersion` is a version the stream was found to hold when the conflict was detected (read
 * from the item that took the expected slot, at no extra cost): the stream is at least there.
 */
export class ConcurrencyError extends EventStoreError {
  readonly streamId: string;
  readonly expectedVersion: number | string;
  /** The stream holds at least this version (0: it does not exist); it may have moved on since. */
  readonly actualVersion: number;
  /**
   * Every stream of the append found not at its expected version, this one first: an `appendMany`
   * tells all the streams that moved at once, so a caller catches up with each of them in one go.
   */
  readonly conflicts: readonly StreamConflict[];

  constructor(
    details: StreamConflict & { readonly others?: readonly StreamConflict[] },
    options?: { cause?: unknown },
  ) {
    super(
      EventStoreErrorCode.Concurrency,
      `Stream "${details.streamId}" is at version ${details.actualVersion}, but the append expected ${describeExpected(details.expectedVersion)}. ` +
        'Nothing was written: reload the stream and decide again.',
      options,
    );
    this.name = 'ConcurrencyError';
    this.streamId = details.streamId;
    this.expectedVersion = details.expectedVersion;
    this.actualVersion = details.actualVersion;
    const self = {
      streamId: this.streamId,
      expectedVersion: this.expectedVersion,
      actualVersion: this.actualVersion,
    };
    this.conflicts = [self, ...(details.others ?? [])];
  }
}

/**
 * One stream found not at the version an append expected.
 *
 * @example
 * for (const { streamId, actualVersion } of error.conflicts) console.log(streamId, actualVersion);
 */
export interface StreamConflict {
  readonly streamId: string;
  readonly expectedVersion: number | string;
  /** The stream holds at least this version (0: it does not exist). */
  readonly actualVersion: number;
}

function describeExpected(expected: number | string): string {
  if (typeof expected === 'number') return `version ${expected}`;
  return expected === 'no-stream' ? 'no stream' : `'${expected}'`;
}

/** An argument was malformed (stream id, event, options). Nothing was sent to DynamoDB. */
export class InvalidInputError extends EventStoreError {
  /** Where in the input the problem is, e.g. `events[2].type`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(EventStoreErrorCode.InvalidInput, `Invalid ${path}: ${problem}`);
    this.name = 'InvalidInputError';
    this.path = path;
  }
}

/** A value inside event data or metadata cannot be stored exactly in DynamoDB. Nothing was sent. */
export class UnsupportedValueError extends EventStoreError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(EventStoreErrorCode.UnsupportedValue, `Cannot store ${path}: ${problem}`);
    this.name = 'UnsupportedValueError';
    this.path = path;
  }
}

/** One event would exceed DynamoDB's 400 KB item limit. Nothing was sent. */
export class EventTooLargeError extends EventStoreError {
  readonly streamId: string;
  readonly eventType: string;
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(details: { streamId: string; eventType: string; sizeBytes: number; limitBytes: number }) {
    super(
      EventStoreErrorCode.EventTooLarge,
      `Event "${details.eventType}" for stream "${details.streamId}" is ${details.sizeBytes} bytes as a DynamoDB item; ` +
        `the limit is ${details.limitBytes} bytes. Store large payloads elsewhere (e.g. S3) and keep a reference in the event.`,
    );
    this.name = 'EventTooLargeError';
    this.streamId = details.streamId;
    this.eventType = details.eventType;
    this.sizeBytes = details.sizeBytes;
    this.limitBytes = details.limitBytes;
  }
}

/** An atomic append would exceed DynamoDB's transaction limits (100 items or 4 MB). Nothing was sent. */
export class TransactionTooLargeError extends EventStoreError {
  readonly items: number;
  readonly sizeBytes: number;

  constructor(details: { items: number; sizeBytes: number; reason: string }) {
    super(
      EventStoreErrorCode.TransactionTooLarge,
      `An atomic append must fit one DynamoDB transaction: ${details.reason}. ` +
        'Split the events into several appends, or emit fewer, smaller events.',
    );
    this.name = 'TransactionTooLargeError';
    this.items = details.items;
    this.sizeBytes = details.sizeBytes;
  }
}

/** An item read from the events table is not a valid event (written by something else, or damaged). */
export class CorruptEventError extends EventStoreError {
  constructor(problem: string, options?: { cause?: unknown }) {
    super(EventStoreErrorCode.CorruptEvent, `Not a valid stored event: ${problem}`, options);
    this.name = 'CorruptEventError';
  }
}

/** An upcaster is missing or failed while reading an event written with an older schema version. */
export class UpcastError extends EventStoreError {
  readonly eventType: string;
  readonly schemaVersion: number;

  constructor(
    details: { eventType: string; schemaVersion: number; problem: string },
    options?: { cause?: unknown },
  ) {
    super(
      EventStoreErrorCode.Upcast,
      `Cannot upcast "${details.eventType}" from schema version ${details.schemaVersion}: ${details.problem}`,
      options,
    );
    this.name = 'UpcastError';
    this.eventType = details.eventType;
    this.schemaVersion = details.schemaVersion;
  }
}

/**
 * DynamoDB kept cancelling a transaction because of concurrent transactions on the same items
 * (`TransactionConflict`) beyond the retry bound. Nothing was written; the call may be retried.
 */
export class TransientError extends EventStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(EventStoreErrorCode.Transient, message, options);
    this.name = 'TransientError';
  }
}

/**
 * An append carried an event id that is already stored, but not as part of this same append: the
 * rest of its events are not where a retry of it would find them. Event ids are idempotency keys:
 * reuse one only to retry the very append it was first sent with. Nothing was written.
 */
export class EventIdReusedError extends EventStoreError {
  readonly streamId: string;
  readonly eventId: string;

  constructor(details: { streamId: string; eventId: string; problem: string }) {
    super(
      EventStoreErrorCode.EventIdReused,
      `Event id "${details.eventId}" of stream "${details.streamId}" is already stored, but ${details.problem}. ` +
        'An event id may be reused only to retry the append it was first sent with; give new events new ids.',
    );
    this.name = 'EventIdReusedError';
    this.streamId = details.streamId;
    this.eventId = details.eventId;
  }
}

function hasCode(error: unknown, code: EventStoreErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** True for any error thrown by the event store. */
export const isEventStoreError = (error: unknown): error is EventStoreError =>
  Object.values(EventStoreErrorCode).some((code) => hasCode(error, code));
export const isConcurrencyError = (error: unknown): error is ConcurrencyError =>
  hasCode(error, EventStoreErrorCode.Concurrency);
export const isInvalidInputError = (error: unknown): error is InvalidInputError =>
  hasCode(error, EventStoreErrorCode.InvalidInput);
export const isUnsupportedValueError = (error: unknown): error is UnsupportedValueError =>
  hasCode(error, EventStoreErrorCode.UnsupportedValue);
export const isEventTooLargeError = (error: unknown): error is EventTooLargeError =>
  hasCode(error, EventStoreErrorCode.EventTooLarge);
export const isTransactionTooLargeError = (error: unknown): error is TransactionTooLargeError =>
  hasCode(error, EventStoreErrorCode.TransactionTooLarge);
export const isCorruptEventError = (error: unknown): error is CorruptEventError =>
  hasCode(error, EventStoreErrorCode.CorruptEvent);
export const isUpcastError = (error: unknown): error is UpcastError =>
  hasCode(error, EventStoreErrorCode.Upcast);
export const isTransientError = (error: unknown): error is TransientError =>
  hasCode(error, EventStoreErrorCode.Transient);
export const isEventIdReusedError = (error: unknown): error is EventIdReusedError =>
  hasCode(error, EventStoreErrorCode.EventIdReused);
