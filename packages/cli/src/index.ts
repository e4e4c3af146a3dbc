export {
  CliError,
  CliErrorCode,
  CommandFailedError,
  isCliError,
  isCommandFailedError,
  isProjectionNotFoundError,
  isProjectionsModuleError,
  isPublicationsModuleError,
  isSagasModuleError,
  isStreamNotFoundError,
  isTableNotFoundError,
  isUsageError,
  ProjectionNotFoundError,
  ProjectionsModuleError,
  PublicationsModuleError,
  SagasModuleError,
  StreamNotFoundError,
  TableNotFoundError,
  UsageError,
} from './errors.js';
export { type CliIo, processIo } from './io.js';
export { CliEnvironment } from './options.js';
export { type LoadedProjections, loadProjections, pickProjection } from './projections/load-projections.js';
export type { ProjectionVersionStatus, StatusReport, StreamStatus } from './projections/status-report.js';
export {
  type LoadedPublications,
  loadPublications,
  pickPublication,
} from './publications/load-publications.js';
export { run } from './run.js';
