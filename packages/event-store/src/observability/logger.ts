/**
 * Where dynamo-es reports what matters in production (conflict retried, snapshot failed, batch
 * processed, record dead-lettered). Compatible with `console` and with Powertools for AWS Lambda's
 * `Logger` (both take a message and an object of attributes).
 *
 * @example
 * import { Logger } from '@aws-lambda-powertools/logger';
 * const store = new EventStore({ client, tableName, logger: new Logger({ serviceName: 'bank' }) });
 * // or, while developing: new EventStore({ client, tableName, logger: console })
 */
export interface Logger {
  // A rest parameter rather than an optional one: Powertools' methods take
  // `(message, ...extra: [Error | string] | LogAttributes[])`, which an optional parameter is not
  // assignable to (TS2322). dynamo-es always passes at most one object of attributes.
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

const ignore = () => {};

/** The default: says nothing. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
