/**
 * Typed errors of `@dynamo-es/feed`. Every error carries a stable string `code`; the `isXError()`
 * guards check that code rather than `instanceof`, so they keep working across duplicated installs.
 */

/** Stable codes of every error this package throws. */
export const FeedErrorCode = {
  InvalidInput: 'DYNAMO_ES_FEED_INVALID_INPUT',
  Corrupt: 'DYNAMO_ES_FEED_CORRUPT',
  MissingEvent: 'DYNAMO_ES_FEED_MISSING_EVENT',
  Contention: 'DYNAMO_ES_FEED_CONTENTION',
} as const;
export type FeedErrorCode = (typeof FeedErrorCode)[keyof typeof FeedErrorCode];

/** Base class of every error thrown by the feed. */
export class FeedError extends Error {
  readonly code: FeedErrorCode;

  constructor(code: FeedErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedError';
    this.code = code;
  }
}

/** An argument was malformed (options, positions, names). Nothing was sent to DynamoDB. */
export class InvalidFeedInputError extends FeedError {
  /** Where in the input the problem is, e.g. `options.fromPosition`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(FeedErrorCode.InvalidInput, `Invalid ${path}: ${problem}`);
    this.name = 'InvalidFeedInputError';
    this.path = path;
  }
}

/**
 * An item of the feed table is not what the feed wrote (a malformed batch, a batch out of its
 * place, a break in the positions): the table was changed outside dynamo-es. Run `validateFeed`,
 * and `rebuildFeed` into a fresh table if needed.
 */
export class CorruptFeedError extends FeedError {
  constructor(problem: string, options?: { cause?: unknown }) {
    super(FeedErrorCode.Corrupt, `The feed is corrupt: ${problem}`, options);
    this.name = 'CorruptFeedError';
  }
}

/**
 * A version the indexer or a reader needs is not in the events table, although a later version of
 * the stream is (events are never deleted, so the table was changed by hand). The stream is not
 * indexed past it; its records are reported as failed and retried.
 */
export class MissingEventError extends FeedError {
  readonly streamId: string;
  readonly version: number;

  constructor(details: { streamId: string; version: number }) {
    super(
      FeedErrorCode.MissingEvent,
      `Version ${details.version} of stream "${details.streamId}" is not in the events table, ` +
        'but the feed needs it: events are never deleted, so the table was changed outside dynamo-es.',
    );
    this.name = 'MissingEventError';
    this.streamId = details.streamId;
    this.version = details.version;
  }
}

/**
 * The indexer lost the race for the next batch (or met transient errors) more times than
 * `maxAttempts`. Nothing is lost: the records are reported as failed and Lambda delivers them
 * again. Many concurrent indexers on one feed cause this; see the README on concurrency.
 */
export class FeedContentionError extends FeedError {
  readonly attempts: number;

  constructor(attempts: number, options?: { cause?: unknown }) {
    super(
      FeedErrorCode.Contention,
      `Gave up appending a batch to the feed after ${attempts} attempts (concurrent indexers or transient errors).`,
      options,
    );
    this.name = 'FeedContentionError';
    this.attempts = attempts;
  }
}

const hasCode = (error: unknown, code: FeedErrorCode): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/** True for any error thrown by the feed. */
export const isFeedError = (error: unknown): error is FeedError =>
  Object.values(FeedErrorCode).some((code) => hasCode(error, code));
export const isInvalidFeedInputError = (error: unknown): error is InvalidFeedInputError =>
  hasCode(error, FeedErrorCode.InvalidInput);
export const isCorruptFeedError = (error: unknown): error is CorruptFeedError =>
  hasCode(error, FeedErrorCode.Corrupt);
export const isMissingEventError = (error: unknown): error is MissingEventError =>
  hasCode(error, FeedErrorCode.MissingEvent);
export const isFeedContentionError = (error: unknown): error is FeedContentionError =>
  hasCode(error, FeedErrorCode.Contention);
