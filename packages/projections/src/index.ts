export type { EventSource } from './apply/types.js';
export type { DeadLetter } from './codec/dead-letter-codec.js';
export { type ListDeadLettersOptions, listDeadLetters } from './dead-letters/list-dead-letters.js';
export {
  type ReplayDeadLettersOptions,
  type ReplayResult,
  replayDeadLetters,
} from './dead-letters/replay-dead-letters.js';
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
  isReplayFailedError,
  isTooManyChangesError,
  MissingEventsError,
  ProjectionError,
  ProjectionErrorCode,
  ProjectionVersionExistsError,
  ProjectionVersionNotReadyError,
  ReplayFailedError,
  TooManyChangesError,
} from './errors.js';
export {
  createStreamHandler,
  type ProjectionStreamHandler,
  type StreamHandlerOptions,
} from './handler/create-stream-handler.js';
export { projectInMemory } from './in-memory.js';
export type { ProjectionRef } from './keys.js';
export type { BatchSummary } from './observability/batch-summary.js';
export { consoleLogger, type ProjectionLogger } from './observability/logger.js';
export {
  defineProjection,
  type PoisonEventPolicy,
  type Projection,
  type ProjectionDefinition,
  type ProjectionHandler,
  type ProjectionHandlers,
  type ReadModelContext,
} from './projection.js';
export {
  type Checkpoint,
  type ListCheckpointsOptions,
  listCheckpoints,
} from './read-model/list-checkpoints.js';
export { getDocument, type ReadModelOptions, type ReadModelReader, readModel } from './read-model/reader.js';
export {
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
  rebuildProjection,
} from './rebuild/rebuild-projection.js';
export { createReadModelTable, readModelTableDefinition } from './table.js';
export { type SwitchVersionOptions, switchProjectionVersion } from './versions/active-version.js';
export {
  type ListProjectionVersionsOptions,
  listProjectionVersions,
  type VersionRecord,
} from './versions/list-projection-versions.js';
export { type PrepareVersionOptions, prepareProjectionVersion } from './versions/prepare-version.js';
export type { VersionStatus } from './versions/registry.js';
