/**
 * Typed errors of `@dynamo-es/projections`.
 *
 * Every error carries a stable string `code`; the `isXError()` guards check that code rather than
 * `instanceof`, so they keep working when two copies of the package end up installed.
 */

/**
 * Stable codes of every error this package throws.
 *
 * @example
 * if ((error as { code?: string }).code === ProjectionErrorCode.ApplyConflict) retryLater();
 */
export const ProjectionErrorCode = {
  InvalidProjection: 'DYNAMO_ES_INVALID_PROJECTION',
  InvalidDocument: 'DYNAMO_ES_INVALID_DOCUMENT',
  DocumentTooLarge: 'DYNAMO_ES_DOCUMENT_TOO_LARGE',
  TooManyChanges: 'DYNAMO_ES_TOO_MANY_CHANGES',
  ContextClosed: 'DYNAMO_ES_CONTEXT_CLOSED',
  MissingEvents: 'DYNAMO_ES_MISSING_EVENTS',
  ProjectionVersionExists: 'DYNAMO_ES_PROJECTION_VERSION_EXISTS',
  ProjectionVersionNotReady: 'DYNAMO_ES_PROJECTION_VERSION_NOT_READY',
  ApplyConflict: 'DYNAMO_ES_APPLY_CONFLICT',
  ReplayFailed: 'DYNAMO_ES_REPLAY_FAILED',
  VersionHasDeadLetters: 'DYNAMO_ES_VERSION_HAS_DEAD_LETTERS',
  RebuildInterrupted: 'DYNAMO_ES_REBUILD_INTERRUPTED',
} as const;
export type ProjectionErrorCode = (typeof ProjectionErrorCode)[keyof typeof ProjectionErrorCode];

/**
 * Base class of every error thrown by the projections package.
 *
 * @example
 * try { await rebuildProjection(options); } catch (error) { if (isProjectionError(error)) log(error.code); }
 */
export class ProjectionError extends Error {
  readonly code: ProjectionErrorCode;

  constructor(code: ProjectionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProjectionError';
    this.code = code;
  }
}

/**
 * A projection definition or an option is malformed. Nothing was sent to DynamoDB.
 *
 * @example
 * defineProjection({ name: 'a#b', handlers: {} }); // throws InvalidProjectionError (path 'name')
 */
export class InvalidProjectionError extends ProjectionError {
  /** Where the problem is, e.g. `name` or `handlers.MoneyDeposited`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(ProjectionErrorCode.InvalidProjection, `Invalid ${path}: ${problem}`);
    this.name = 'InvalidProjectionError';
    this.path = path;
  }
}

/**
 * A handler passed a bad document key or a document that is not plain data.
 *
 * @example
 * ctx.put('k', { at: new Date() }); // throws InvalidDocumentError: store date.toISOString()
 */
export class InvalidDocumentError extends ProjectionError {
  readonly key: string;

  constructor(key: string, problem: string, options?: { cause?: unknown }) {
    super(ProjectionErrorCode.InvalidDocument, `Invalid read-model document "${key}": ${problem}`, options);
    this.name = 'InvalidDocumentError';
    this.key = key;
  }
}

/**
 * A document would exceed DynamoDB's 400 KB item limit. Thrown from `ctx.put` / `ctx.update`.
 *
 * @example
 * if (isDocumentTooLargeError(error)) console.log(error.key, error.sizeBytes);
 */
export class DocumentTooLargeError extends ProjectionError {
  readonly key: string;
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(details: { key: string; sizeBytes: number; limitBytes: number }) {
    super(
      ProjectionErrorCode.DocumentTooLarge,
      `Read-model document "${details.key}" is ${details.sizeBytes} bytes as a DynamoDB item; the limit is ` +
        `${details.limitBytes}. Split it into several documents.`,
    );
    this.name = 'DocumentTooLargeError';
    this.key = details.key;
    this.sizeBytes = details.sizeBytes;
    this.limitBytes = details.limitBytes;
  }
}

/**
 * One event changed more documents than one DynamoDB transaction can hold together with its
 * checkpoint (100 items, 4 MB). The event is treated like a handler failure.
 *
 * @example
 * const letter = await listDeadLetters(options); // letter.error.name === 'TooManyChangesError'
 */
export class TooManyChangesError extends ProjectionError {
  readonly streamId: string;
  readonly version: number;
  readonly items: number;
  readonly sizeBytes: number;

  constructor(details: { streamId: string; version: number; items: number; sizeBytes: number }) {
    super(
      ProjectionErrorCode.TooManyChanges,
      `Event ${details.version} of stream "${details.streamId}" changes ${details.items} items ` +
        `(${details.sizeBytes} bytes) with its checkpoint; one DynamoDB transaction holds 100 items and 4 MB.`,
    );
    this.name = 'TooManyChangesError';
    this.streamId = details.streamId;
    this.version = details.version;
    this.items = details.items;
    this.sizeBytes = details.sizeBytes;
  }
}

/**
 * A handler used its `ctx` after it returned (e.g. a promise it did not await).
 *
 * @example
 * handlers: { X: (e, ctx) => { setTimeout(() => ctx.put('k', {})); } } // the late put throws ContextClosedError
 */
export class ContextClosedError extends ProjectionError {
  constructor(operation: string) {
    super(
      ProjectionErrorCode.ContextClosed,
      `ctx.${operation}() was called after the handler returned; await every read-model call in the handler.`,
    );
    this.name = 'ContextClosedError';
  }
}

/**
 * The event store does not hold versions a stream record implies (wrong table, or a deleted stream).
 *
 * @example
 * if (isMissingEventsError(error)) console.log(error.streamId, error.fromVersion, error.toVersion);
 */
export class MissingEventsError extends ProjectionError {
  readonly streamId: string;
  readonly fromVersion: number;
  readonly toVersion: number;

  constructor(details: { streamId: string; fromVersion: number; toVersion: number }) {
    super(
      ProjectionErrorCode.MissingEvents,
      `Stream "${details.streamId}" has no events ${details.fromVersion}..${details.toVersion} in the event store, ` +
        'although a later version was delivered. Is the handler reading the right events table?',
    );
    this.name = 'MissingEventsError';
    this.streamId = details.streamId;
    this.fromVersion = details.fromVersion;
    this.toVersion = details.toVersion;
  }
}

/**
 * A rebuild targeted a projection version that already exists (built live, or by another rebuild).
 *
 * @example
 * await rebuildProjection({ projection: accountsV1, ... }); // v1 is live: ProjectionVersionExistsError
 */
export class ProjectionVersionExistsError extends ProjectionError {
  readonly projection: string;
  readonly version: number;
  readonly status: string;

  constructor(details: { projection: string; version: number; status: string }) {
    super(
      ProjectionErrorCode.ProjectionVersionExists,
      `Version ${details.version} of projection "${details.projection}" already exists (status "${details.status}"); ` +
        'rebuild into a new version number.',
    );
    this.name = 'ProjectionVersionExistsError';
    this.projection = details.projection;
    this.version = details.version;
    this.status = details.status;
  }
}

/**
 * Readers cannot be switched to a version that is missing or still being built.
 *
 * @example
 * await switchProjectionVersion({ ..., version: 3 }); // still building: ProjectionVersionNotReadyError
 */
export class ProjectionVersionNotReadyError extends ProjectionError {
  readonly projection: string;
  readonly version: number;
  readonly status: string;

  constructor(details: { projection: string; version: number; status: string }) {
    super(
      ProjectionErrorCode.ProjectionVersionNotReady,
      `Version ${details.version} of projection "${details.projection}" is "${details.status}"; ` +
        'only a finished rebuild ("ready") or a live-built version ("live") can serve readers.',
    );
    this.name = 'ProjectionVersionNotReadyError';
    this.projection = details.projection;
    this.version = details.version;
    this.status = details.status;
  }
}

/**
 * Concurrent invocations kept changing the same checkpoints or documents beyond the retry bound.
 * Nothing was applied twice; the records are reported for redelivery.
 *
 * @example
 * if (isApplyConflictError(outcome.reason)) console.log('redelivered after conflicts');
 */
export class ApplyConflictError extends ProjectionError {
  readonly projection: string;

  constructor(projection: string, options?: { cause?: unknown }) {
    super(
      ProjectionErrorCode.ApplyConflict,
      `Projection "${projection}": concurrent invocations kept changing the same items; retry later.`,
      options,
    );
    this.name = 'ApplyConflictError';
    this.projection = projection;
  }
}

/**
 * Replaying a dead-lettered event failed again; the dead letter stays open.
 *
 * @example
 * const { failed } = await replayDeadLetters(options); // failed[0].error is a ReplayFailedError
 */
export class ReplayFailedError extends ProjectionError {
  readonly streamId: string;
  readonly version: number;

  constructor(details: { streamId: string; version: number }, options?: { cause?: unknown }) {
    super(
      ProjectionErrorCode.ReplayFailed,
      `Replaying event ${details.version} of stream "${details.streamId}" failed: ${describeCause(options?.cause)}`,
      options,
    );
    this.name = 'ReplayFailedError';
    this.streamId = details.streamId;
    this.version = details.version;
  }
}

/**
 * Readers are not switched to a version that has open dead letters (its parked streams are stale)
 * unless the switch is forced.
 *
 * @example
 * await readModels.versions.switch(accountsV2); // 2 open dead letters: VersionHasDeadLettersError
 */
export class VersionHasDeadLettersError extends ProjectionError {
  readonly projection: string;
  readonly version: number;
  readonly openDeadLetters: number;

  constructor(details: { projection: string; version: number; openDeadLetters: number }) {
    super(
      ProjectionErrorCode.VersionHasDeadLetters,
      `Version ${details.version} of projection "${details.projection}" has ${details.openDeadLetters} open dead ` +
        'letter(s): its parked streams are stale. Replay them first, or force the switch.',
    );
    this.name = 'VersionHasDeadLettersError';
    this.projection = details.projection;
    this.version = details.version;
    this.openDeadLetters = details.openDeadLetters;
  }
}

/**
 * A rebuild stopped before the end (its `signal` aborted): what it applied is written and its
 * segments' positions are saved; run it again with `resume: true`, or delete the version.
 *
 * @example
 * if (isRebuildInterruptedError(error)) console.log(`${error.segmentsDone}/${error.totalSegments} segments done`);
 */
export class RebuildInterruptedError extends ProjectionError {
  readonly projection: string;
  readonly version: number;
  readonly segmentsDone: number;
  readonly totalSegments: number;

  constructor(details: { projection: string; version: number; segmentsDone: number; totalSegments: number }) {
    super(
      ProjectionErrorCode.RebuildInterrupted,
      `The rebuild of version ${details.version} of projection "${details.projection}" was interrupted with ` +
        `${details.segmentsDone} of ${details.totalSegments} segments done; resume it, or delete the version.`,
    );
    this.name = 'RebuildInterruptedError';
    this.projection = details.projection;
    this.version = details.version;
    this.segmentsDone = details.segmentsDone;
    this.totalSegments = details.totalSegments;
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function hasCode(error: unknown, code: ProjectionErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** True for any error thrown by this package. @example if (isProjectionError(e)) console.log(e.code); */
export const isProjectionError = (error: unknown): error is ProjectionError =>
  Object.values(ProjectionErrorCode).some((code) => hasCode(error, code));
/** @example if (isInvalidProjectionError(e)) console.log(e.path); */
export const isInvalidProjectionError = (error: unknown): error is InvalidProjectionError =>
  hasCode(error, ProjectionErrorCode.InvalidProjection);
/** @example if (isInvalidDocumentError(e)) console.log(e.key); */
export const isInvalidDocumentError = (error: unknown): error is InvalidDocumentError =>
  hasCode(error, ProjectionErrorCode.InvalidDocument);
/** @example if (isDocumentTooLargeError(e)) console.log(e.sizeBytes); */
export const isDocumentTooLargeError = (error: unknown): error is DocumentTooLargeError =>
  hasCode(error, ProjectionErrorCode.DocumentTooLarge);
/** @example if (isTooManyChangesError(e)) console.log(e.items); */
export const isTooManyChangesError = (error: unknown): error is TooManyChangesError =>
  hasCode(error, ProjectionErrorCode.TooManyChanges);
/** @example if (isContextClosedError(e)) console.warn('missing await in a handler'); */
export const isContextClosedError = (error: unknown): error is ContextClosedError =>
  hasCode(error, ProjectionErrorCode.ContextClosed);
/** @example if (isMissingEventsError(e)) console.log(e.streamId, e.fromVersion); */
export const isMissingEventsError = (error: unknown): error is MissingEventsError =>
  hasCode(error, ProjectionErrorCode.MissingEvents);
/** @example if (isProjectionVersionExistsError(e)) console.log(e.status); */
export const isProjectionVersionExistsError = (error: unknown): error is ProjectionVersionExistsError =>
  hasCode(error, ProjectionErrorCode.ProjectionVersionExists);
/** @example if (isProjectionVersionNotReadyError(e)) console.log(e.status); */
export const isProjectionVersionNotReadyError = (error: unknown): error is ProjectionVersionNotReadyError =>
  hasCode(error, ProjectionErrorCode.ProjectionVersionNotReady);
/** @example if (isApplyConflictError(e)) console.log(e.projection); */
export const isApplyConflictError = (error: unknown): error is ApplyConflictError =>
  hasCode(error, ProjectionErrorCode.ApplyConflict);
/** @example if (isReplayFailedError(e)) console.log(e.streamId, e.version); */
export const isReplayFailedError = (error: unknown): error is ReplayFailedError =>
  hasCode(error, ProjectionErrorCode.ReplayFailed);
/** @example if (isVersionHasDeadLettersError(e)) console.log(e.openDeadLetters); */
export const isVersionHasDeadLettersError = (error: unknown): error is VersionHasDeadLettersError =>
  hasCode(error, ProjectionErrorCode.VersionHasDeadLetters);
/** @example if (isRebuildInterruptedError(e)) console.log(e.segmentsDone, e.totalSegments); */
export const isRebuildInterruptedError = (error: unknown): error is RebuildInterruptedError =>
  hasCode(error, ProjectionErrorCode.RebuildInterrupted);
