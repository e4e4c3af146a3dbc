export {
  CliError,
  CliErrorCode,
  CommandFailedError,
  isCliError,
  isCommandFailedError,
  isProjectionNotFoundError,
  isProjectionsModuleError,
  isSagasModuleError,
  isStreamNotFoundError,
  isTableNotFoundError,
  isUsageError,
  ProjectionNotFoundError,
  ProjectionsModuleError,
  SagasModuleError,
  StreamNotFoundError,
  TableNotFoundError,
  UsageError,
} from './errors.js';
export { type CliIo, processIo } from './io.js';
export { CliEnvironment } from './options.js';
export { type LoadedProjections, loadProjections, pickProjection } from './projections/load-projections.js';
export type { ProjectionVersionStatus, StatusReport, StreamStatus } from './projections/status-report.js';
export { run } from './run.js';
