/**
 * Typed errors of `@dynamo-es/sagas`.
 *
 * Every error carries a stable string `code`; the `isXError()` guards check that code rather than
 * `instanceof`, so they keep working when two copies of the package end up installed.
 */

/**
 * Stable codes of every error this package throws.
 *
 * @example
 * if ((error as { code?: string }).code === SagaErrorCode.InvalidDecision) fixTheSaga();
 */
export const SagaErrorCode = {
  InvalidSaga: 'DYNAMO_ES_INVALID_SAGA',
  InvalidDecision: 'DYNAMO_ES_INVALID_SAGA_DECISION',
  SagaNotFound: 'DYNAMO_ES_SAGA_NOT_FOUND',
  SagaConflict: 'DYNAMO_ES_SAGA_CONFLICT',
  CorruptSagaEvent: 'DYNAMO_ES_CORRUPT_SAGA_EVENT',
} as const;
export type SagaErrorCode = (typeof SagaErrorCode)[keyof typeof SagaErrorCode];

/**
 * Base class of every error thrown by the sagas package.
 *
 * @example
 * try { await process.abandon(id, 'fraud'); } catch (error) { if (isSagaError(error)) log(error.code); }
 */
export class SagaError extends Error {
  readonly code: SagaErrorCode;

  constructor(code: SagaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SagaError';
    this.code = code;
  }
}

/**
 * A saga definition or an option is malformed. Nothing was sent to DynamoDB.
 *
 * @example
 * defineSaga({ name: 'a.b', ... }); // throws InvalidSagaError (path 'name')
 */
export class InvalidSagaError extends SagaError {
  /** Where the problem is, e.g. `name` or `on.TransferRequested`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(SagaErrorCode.InvalidSaga, `Invalid ${path}: ${problem}`);
    this.name = 'InvalidSagaError';
    this.path = path;
  }
}

/**
 * A saga handler returned a decision that cannot be carried out (a command without a handler, a
 * deadline without a valid time, a state that is not JSON). Thrown before the saga's stream is
 * written: the triggering event fails like a throwing projection handler (attempts, dead letter).
 *
 * @example
 * // on: { TransferRequested: () => ({ deadlines: [{ id: 'x', at: 'tomorrow' }] }) } // throws at reaction time
 */
export class InvalidDecisionError extends SagaError {
  readonly saga: string;
  readonly sagaId: string;
  /** Where the problem is in the decision, e.g. `deadlines[0].at`. */
  readonly path: string;

  constructor(facts: { saga: string; sagaId: string; path: string; problem: string }) {
    super(
      SagaErrorCode.InvalidDecision,
      `Saga ${facts.saga} (${facts.sagaId}) decided an invalid ${facts.path}: ${facts.problem}`,
    );
    this.name = 'InvalidDecisionError';
    this.saga = facts.saga;
    this.sagaId = facts.sagaId;
    this.path = facts.path;
  }
}

/**
 * The saga instance has no events (nothing ever correlated to this id).
 *
 * @example
 * await process.abandon('nope', 'typo'); // throws SagaNotFoundError
 */
export class SagaNotFoundError extends SagaError {
  readonly saga: string;
  readonly sagaId: string;

  constructor(saga: string, sagaId: string) {
    super(SagaErrorCode.SagaNotFound, `Saga ${saga} has no instance ${sagaId}: nothing correlated to it yet`);
    this.name = 'SagaNotFoundError';
    this.saga = saga;
    this.sagaId = sagaId;
  }
}

/**
 * Every attempt to append the saga's next event lost the race against other writers of the same
 * saga stream (each attempt re-reads the stream and decides again). The trigger is retried by
 * its driver (redelivery, the next poll).
 *
 * @example
 * if (isSagaConflictError(error)) console.log(error.attempts);
 */
export class SagaConflictError extends SagaError {
  readonly saga: string;
  readonly sagaId: string;
  readonly attempts: number;

  constructor(facts: { saga: string; sagaId: string; attempts: number }, options?: { cause?: unknown }) {
    super(
      SagaErrorCode.SagaConflict,
      `Saga ${facts.saga} (${facts.sagaId}): ${facts.attempts} appends in a row lost to concurrent writers`,
      options,
    );
    this.name = 'SagaConflictError';
    this.saga = facts.saga;
    this.sagaId = facts.sagaId;
    this.attempts = facts.attempts;
  }
}

/**
 * An event of a saga stream is not one this package wrote (its data does not have a step's shape).
 *
 * @example
 * if (isCorruptSagaEventError(error)) console.log(error.streamId, error.version);
 */
export class CorruptSagaEventError extends SagaError {
  readonly streamId: string;
  readonly version: number;

  constructor(streamId: string, version: number, problem: string) {
    super(
      SagaErrorCode.CorruptSagaEvent,
      `Event ${version} of saga stream ${streamId} is corrupt: ${problem}`,
    );
    this.name = 'CorruptSagaEventError';
    this.streamId = streamId;
    this.version = version;
  }
}

const hasCode =
  <T extends SagaError>(code: SagaErrorCode) =>
  (error: unknown): error is T =>
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/** True for any error of this package. @example if (isSagaError(e)) log(e.code); */
export const isSagaError = (error: unknown): error is SagaError =>
  typeof error === 'object' &&
  error !== null &&
  Object.values(SagaErrorCode).includes((error as { code?: unknown }).code as SagaErrorCode);
/** @example if (isInvalidSagaError(e)) log(e.path); */
export const isInvalidSagaError = hasCode<InvalidSagaError>(SagaErrorCode.InvalidSaga);
/** @example if (isInvalidDecisionError(e)) log(e.path); */
export const isInvalidDecisionError = hasCode<InvalidDecisionError>(SagaErrorCode.InvalidDecision);
/** @example if (isSagaNotFoundError(e)) log(e.sagaId); */
export const isSagaNotFoundError = hasCode<SagaNotFoundError>(SagaErrorCode.SagaNotFound);
/** @example if (isSagaConflictError(e)) log(e.attempts); */
export const isSagaConflictError = hasCode<SagaConflictError>(SagaErrorCode.SagaConflict);
/** @example if (isCorruptSagaEventError(e)) log(e.streamId); */
export const isCorruptSagaEventError = hasCode<CorruptSagaEventError>(SagaErrorCode.CorruptSagaEvent);
