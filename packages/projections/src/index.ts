export type { DeadLetter } from './codec/dead-letter-codec.js';
export type { ReplayResult } from './dead-letters/replay.js';
export {
  ApplyConflictError,
  ContextClosedError,
  DocumentTooLargeError,
  InvalidDocumentError,
  InvalidProjectionError,
  isApplyConflictError,
  isContextClosedError,
  isDocumentTooLargeError,
  isInvalidDocumentError,
  isInvalidProjectionError,
  isMissingEventsError,
  isProjectionError,
  isProjectionVersionExistsError,
  isProjectionVersionNotReadyError,
  isRebuildInterruptedError,
  isReplayFailedError,
  isTooManyChangesError,
  isVersionHasDeadLettersError,
  MissingEventsError,
  ProjectionError,
  ProjectionErrorCode,
  ProjectionVersionExistsError,
  ProjectionVersionNotReadyError,
  RebuildInterruptedError,
  ReplayFailedError,
  TooManyChangesError,
  VersionHasDeadLettersError,
} from './errors.js';
export type { EventSource } from './event-source.js';
export type { ProjectionStreamHandler, StreamHandlerOptions } from './handler/stream-handler.js';
export { projectInMemory } from './in-memory.js';
export type { ProjectionRef } from './keys.js';
export { consoleLogger } from './observability/logger.js';
export {
  defineProjection,
  type PoisonEventPolicy,
  type Projection,
  type ProjectionDefinition,
  type ProjectionHandler,
  type ProjectionHandlers,
  type ReadModelContext,
} from './projection.js';
export type { Checkpoint } from './read-model/checkpoint-list.js';
export type { ReadModelReader } from './read-model/document-reader.js';
export { ReadModels, type ReadModelsOptions } from './read-models.js';
export type { RebuildOptions, RebuildProgress, RebuildResult } from './rebuild/rebuild.js';
export type { RebuildEventSource, UndecodableSourceEvent } from './rebuild/rebuild-source.js';
export { createReadModelTable, readModelTableDefinition } from './table.js';
export type { DeletedVersion } from './versions/delete-version.js';
export type { VersionRecord, VersionStatus } from './versions/version-registry.js';
