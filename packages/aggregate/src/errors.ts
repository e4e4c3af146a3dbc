/**
 * Typed errors of `@dynamo-es/aggregate`.
 *
 * Every error carries a stable string `code`; the `isXError()` guards check that code rather than
 * `instanceof`, so they keep working when two copies of the package end up installed. Malformed
 * arguments throw the event store's `InvalidInputError` (code `DYNAMO_ES_INVALID_INPUT`), so one
 * guard, `isInvalidInputError`, covers bad input across packages.
 */

/**
 * Stable codes of every error this package throws.
 *
 * @example
 * if ((error as { code?: string }).code === AggregateErrorCode.NotFound) return notFound();
 */
export const AggregateErrorCode = {
  NotFound: 'DYNAMO_ES_AGGREGATE_NOT_FOUND',
  UnknownEventType: 'DYNAMO_ES_UNKNOWN_EVENT_TYPE',
  RetriesExhausted: 'DYNAMO_ES_RETRIES_EXHAUSTED',
  IdempotencyKeyReused: 'DYNAMO_ES_IDEMPOTENCY_KEY_REUSED',
} as const;
export type AggregateErrorCode = (typeof AggregateErrorCode)[keyof typeof AggregateErrorCode];

/**
 * Base class of every error thrown by this package. (Not named `AggregateError`, which would shadow
 * JavaScript's built-in of that name.)
 *
 * @example
 * if (error instanceof AggregatePackageError) console.error(error.code);
 */
export class AggregatePackageError extends Error {
  readonly code: AggregateErrorCode;

  constructor(code: AggregateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AggregatePackageError';
    this.code = code;
  }
}

/**
 * `loadExisting` found no events for the stream.
 *
 * @example
 * await repository.loadExisting('account-404'); // throws AggregateNotFoundError
 */
export class AggregateNotFoundError extends AggregatePackageError {
  readonly streamId: string;

  constructor(streamId: string) {
    super(AggregateErrorCode.NotFound, `Aggregate "${streamId}" does not exist: its stream has no events.`);
    this.name = 'AggregateNotFoundError';
    this.streamId = streamId;
  }
}

/**
 * An event has no handler: replaying a type the aggregate (or decider) does not know, or raising one.
 * Replays can opt in to skipping unknown types instead (see `Aggregate.unknownEvents`).
 *
 * @example
 * new UnknownEventTypeError({ aggregateType: 'BankAccount', eventType: 'Renamed', streamId: 'a-1', version: 7 });
 */
export class UnknownEventTypeError extends AggregatePackageError {
  readonly aggregateType: string;
  readonly eventType: string;
  readonly streamId: string;
  /** Version of the event in its stream, when it came from the stream. */
  readonly version: number | undefined;

  constructor(details: { aggregateType: string; eventType: string; streamId: string; version?: number }) {
    const at = details.version === undefined ? '' : ` (version ${details.version})`;
    super(
      AggregateErrorCode.UnknownEventType,
      `${details.aggregateType} "${details.streamId}" has no handler for event type "${details.eventType}"${at}. ` +
        'Add a handler for it, or opt in to ignoring unknown event types on replay.',
    );
    this.name = 'UnknownEventTypeError';
    this.aggregateType = details.aggregateType;
    this.eventType = details.eventType;
    this.streamId = details.streamId;
    this.version = details.version;
  }
}

/**
 * A command kept losing the race for its stream: every attempt hit a `ConcurrencyError`, up to the
 * retry bound. Nothing of the last attempt was written; `cause` is the last `ConcurrencyError`.
 *
 * @example
 * try {
 *   await repository.update('account-1', (account) => account.deposit(5), { retries: 3 });
 * } catch (error) {
 *   if (isRetriesExhaustedError(error)) console.warn(`gave up after ${error.attempts} attempts`);
 * }
 */
export class RetriesExhaustedError extends AggregatePackageError {
  readonly streamId: string;
  /** Attempts made: the first one plus the retries. */
  readonly attempts: number;

  constructor(details: { streamId: string; attempts: number }, options: { cause: unknown }) {
    super(
      AggregateErrorCode.RetriesExhausted,
      `Stream "${details.streamId}" changed under the command on each of ${details.attempts} attempts; gave up. ` +
        'Raise `retries` for hot streams, or split the stream.',
      options,
    );
    this.name = 'RetriesExhaustedError';
    this.streamId = details.streamId;
    this.attempts = details.attempts;
  }
}

/**
 * An idempotency key came back with a different command: another command name (`reason:
 * 'command'`), other streams (`'streams'`), or other arguments (`'payload'`) than the command it
 * was first used for. Nothing was decided or written. Reusing a key is a client bug: a new command
 * needs a new key.
 *
 * @example
 * try {
 *   await accounts.update(id, (a) => a.deposit(5), { idempotency: { key: requestId, command: 'Deposit', payload: { amount: 5 } } });
 * } catch (error) {
 *   if (isIdempotencyKeyReusedError(error)) return { status: 422, code: 'REQUEST_ID_REUSED' };
 * }
 */
export class IdempotencyKeyReusedError extends AggregatePackageError {
  readonly key: string;
  /** What differs from the command the key was first used for. */
  readonly reason: 'command' | 'streams' | 'payload';
  /** This command. */
  readonly command: string;
  readonly streamIds: readonly string[];
  /** The command the key was first used for, and its streams. */
  readonly recorded: { readonly command: string; readonly streamIds: readonly string[] };

  constructor(details: {
    key: string;
    reason: 'command' | 'streams' | 'payload';
    command: string;
    streamIds: readonly string[];
    recorded: { command: string; streamIds: readonly string[] };
  }) {
    const what = {
      command: `command "${details.recorded.command}", not "${details.command}"`,
      streams: `streams ${list(details.recorded.streamIds)}, not ${list(details.streamIds)}`,
      payload: `"${details.recorded.command}" with other arguments`,
    }[details.reason];
    super(
      AggregateErrorCode.IdempotencyKeyReused,
      `Idempotency key "${details.key}" was already used for ${what}. Nothing was written; a new command needs a new key.`,
    );
    this.name = 'IdempotencyKeyReusedError';
    this.key = details.key;
    this.reason = details.reason;
    this.command = details.command;
    this.streamIds = details.streamIds;
    this.recorded = details.recorded;
  }
}

const list = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(', ');

function hasCode(error: unknown, code: AggregateErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * True for any error thrown by this package.
 *
 * @example
 * if (isAggregatePackageError(error)) console.error(error.code);
 */
export const isAggregatePackageError = (error: unknown): error is AggregatePackageError =>
  Object.values(AggregateErrorCode).some((code) => hasCode(error, code));

/**
 * True for an {@link AggregateNotFoundError}.
 *
 * @example
 * if (isAggregateNotFoundError(error)) return { status: 404 };
 */
export const isAggregateNotFoundError = (error: unknown): error is AggregateNotFoundError =>
  hasCode(error, AggregateErrorCode.NotFound);

/**
 * True for an {@link UnknownEventTypeError}.
 *
 * @example
 * if (isUnknownEventTypeError(error)) console.error(error.eventType);
 */
export const isUnknownEventTypeError = (error: unknown): error is UnknownEventTypeError =>
  hasCode(error, AggregateErrorCode.UnknownEventType);

/**
 * True for a {@link RetriesExhaustedError}.
 *
 * @example
 * if (isRetriesExhaustedError(error)) return { status: 409 };
 */
export const isRetriesExhaustedError = (error: unknown): error is RetriesExhaustedError =>
  hasCode(error, AggregateErrorCode.RetriesExhausted);

/**
 * True for an {@link IdempotencyKeyReusedError}.
 *
 * @example
 * if (isIdempotencyKeyReusedError(error)) return { status: 422 };
 */
export const isIdempotencyKeyReusedError = (error: unknown): error is IdempotencyKeyReusedError =>
  hasCode(error, AggregateErrorCode.IdempotencyKeyReused);
