/**
 * Typed errors of `@dynamo-es/cli`. Each carries a stable `code`; the `isXError()` guards check it,
 * so they work across duplicated installs. The binary prints their message on one line and exits 1
 * (2 for a {@link UsageError}).
 */

/** Stable codes of every error this package throws. */
export const CliErrorCode = {
  Usage: 'DYNAMO_ES_CLI_USAGE',
  TableNotFound: 'DYNAMO_ES_CLI_TABLE_NOT_FOUND',
  StreamNotFound: 'DYNAMO_ES_CLI_STREAM_NOT_FOUND',
  ProjectionsModule: 'DYNAMO_ES_CLI_PROJECTIONS_MODULE',
  ProjectionNotFound: 'DYNAMO_ES_CLI_PROJECTION_NOT_FOUND',
  PublicationsModule: 'DYNAMO_ES_CLI_PUBLICATIONS_MODULE',
  SagasModule: 'DYNAMO_ES_CLI_SAGAS_MODULE',
  CommandFailed: 'DYNAMO_ES_CLI_COMMAND_FAILED',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/**
 * Base class of the CLI's errors.
 *
 * @example
 * if (isCliError(error)) console.error(error.code, error.message);
 */
export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

/**
 * A flag or argument is missing or malformed. Nothing was sent to DynamoDB; the binary exits 2.
 *
 * @example
 * throw new UsageError('--endpoint must be a URL such as http://localhost:8000');
 */
export class UsageError extends CliError {
  constructor(message: string) {
    super(CliErrorCode.Usage, message);
    this.name = 'UsageError';
  }
}

/**
 * A table the command needs does not exist (checked with `DescribeTable` before anything else).
 *
 * @example
 * throw new TableNotFoundError({ kind: 'events', tableName: 'events' });
 */
export class TableNotFoundError extends CliError {
  readonly tableName: string;
  readonly kind: string;

  constructor(details: { kind: string; tableName: string }) {
    super(
      CliErrorCode.TableNotFound,
      `the ${details.kind} table "${details.tableName}" does not exist; ` +
        `create it with "dynamo-es tables create ${details.kind}" or name another one`,
    );
    this.name = 'TableNotFoundError';
    this.tableName = details.tableName;
    this.kind = details.kind;
  }
}

/**
 * The stream has no events (it was never written, or the name or table is wrong).
 *
 * @example
 * throw new StreamNotFoundError({ streamId: 'account-1', tableName: 'events' });
 */
export class StreamNotFoundError extends CliError {
  readonly streamId: string;
  readonly tableName: string;

  constructor(details: { streamId: string; tableName: string }) {
    super(
      CliErrorCode.StreamNotFound,
      `stream "${details.streamId}" has no events in table "${details.tableName}"`,
    );
    this.name = 'StreamNotFoundError';
    this.streamId = details.streamId;
    this.tableName = details.tableName;
  }
}

/**
 * The `--projections` module cannot be found, fails to load, or exports no projection.
 *
 * @example
 * throw new ProjectionsModuleError('./projections.ts', 'it exports no projection');
 */
export class ProjectionsModuleError extends CliError {
  readonly modulePath: string;

  constructor(modulePath: string, problem: string, options?: { cause?: unknown }) {
    super(CliErrorCode.ProjectionsModule, `projections module ${modulePath}: ${problem}`, options);
    this.name = 'ProjectionsModuleError';
    this.modulePath = modulePath;
  }
}

/**
 * The `--sagas` module cannot be found, fails to load, or exports no `{ saga, commands }` of that name.
 *
 * @example
 * throw new SagasModuleError('./sagas.ts', 'it exports no saga named "transfer"');
 */
export class SagasModuleError extends CliError {
  readonly modulePath: string;

  constructor(modulePath: string, problem: string, options?: { cause?: unknown }) {
    super(CliErrorCode.SagasModule, `sagas module ${modulePath}: ${problem}`, options);
    this.name = 'SagasModuleError';
    this.modulePath = modulePath;
  }
}

/**
 * The projections module has no projection of that name (and version).
 *
 * @example
 * throw new ProjectionNotFoundError({ name: 'accounts', available: ['totals v1'] });
 */
export class ProjectionNotFoundError extends CliError {
  readonly projection: string;

  constructor(details: { name: string; version?: number; available: readonly string[] }) {
    const wanted = details.version === undefined ? details.name : `${details.name} v${details.version}`;
    super(
      CliErrorCode.ProjectionNotFound,
      `no projection "${wanted}" in the projections module (it has: ${details.available.join(', ') || 'none'})`,
    );
    this.name = 'ProjectionNotFoundError';
    this.projection = details.name;
  }
}

/**
 * The `--publications` module cannot be found, fails to load, exports no publication or no sink,
 * or has no publication of the name asked for.
 *
 * @example
 * throw new PublicationsModuleError('./publications.ts', 'it exports no sink');
 */
export class PublicationsModuleError extends CliError {
  readonly modulePath: string;

  constructor(modulePath: string, problem: string, options?: { cause?: unknown }) {
    super(CliErrorCode.PublicationsModule, `publications module ${modulePath}: ${problem}`, options);
    this.name = 'PublicationsModuleError';
    this.modulePath = modulePath;
  }
}

/**
 * A command did part of its work and failed at the rest, e.g. dead letters that failed again.
 *
 * @example
 * throw new CommandFailedError('1 dead letter failed again and stays open');
 */
export class CommandFailedError extends CliError {
  /** The process's exit code: 1, or 130 for a command interrupted with Ctrl-C. */
  readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(CliErrorCode.CommandFailed, message, options);
    this.name = 'CommandFailedError';
    this.exitCode = options?.exitCode ?? 1;
  }
}

function hasCode(error: unknown, code: CliErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** True for any error of this package. @example if (isCliError(e)) console.log(e.code); */
export const isCliError = (error: unknown): error is CliError =>
  Object.values(CliErrorCode).some((code) => hasCode(error, code));
/** @example if (isUsageError(e)) process.exitCode = 2; */
export const isUsageError = (error: unknown): error is UsageError => hasCode(error, CliErrorCode.Usage);
/** @example if (isTableNotFoundError(e)) console.log(e.tableName); */
export const isTableNotFoundError = (error: unknown): error is TableNotFoundError =>
  hasCode(error, CliErrorCode.TableNotFound);
/** @example if (isStreamNotFoundError(e)) console.log(e.streamId); */
export const isStreamNotFoundError = (error: unknown): error is StreamNotFoundError =>
  hasCode(error, CliErrorCode.StreamNotFound);
/** @example if (isProjectionsModuleError(e)) console.log(e.modulePath); */
export const isProjectionsModuleError = (error: unknown): error is ProjectionsModuleError =>
  hasCode(error, CliErrorCode.ProjectionsModule);
/** @example if (isSagasModuleError(e)) console.log(e.modulePath); */
export const isSagasModuleError = (error: unknown): error is SagasModuleError =>
  hasCode(error, CliErrorCode.SagasModule);
/** @example if (isProjectionNotFoundError(e)) console.log(e.projection); */
export const isProjectionNotFoundError = (error: unknown): error is ProjectionNotFoundError =>
  hasCode(error, CliErrorCode.ProjectionNotFound);
/** @example if (isPublicationsModuleError(e)) console.log(e.modulePath); */
export const isPublicationsModuleError = (error: unknown): error is PublicationsModuleError =>
  hasCode(error, CliErrorCode.PublicationsModule);
/** @example if (isCommandFailedError(e)) console.log(e.message); */
export const isCommandFailedError = (error: unknown): error is CommandFailedError =>
  hasCode(error, CliErrorCode.CommandFailed);
