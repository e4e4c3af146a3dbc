import type { Logger } from '@dynamo-es/event-store';

/**
 * The logger projections took before they used the event store's {@link Logger}: `warn` and
 * `error` only. Still accepted wherever a `Logger` is (its missing `debug` / `info` say nothing).
 *
 * @deprecated Pass a `Logger` from `@dynamo-es/event-store` (console, Powertools' Logger, ...).
 * @example
 * const logger: ProjectionLogger = { warn: (m, d) => log.warn(m, d), error: (m, d) => log.error(m, d) };
 */
export interface ProjectionLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
  debug?(message: string, details?: Record<string, unknown>): void;
  info?(message: string, details?: Record<string, unknown>): void;
}

const line = (level: string, message: string, details?: Record<string, unknown>) =>
  JSON.stringify({ level, message, ...details });

/**
 * Logs one JSON line per message, as CloudWatch Logs likes it; `debug` (one line per batch) is
 * dropped. Since the handler defaults to the event store's logger, pass this to get JSON lines
 * without configuring one.
 *
 * @example
 * createStreamHandler({ projections, client, eventStore, logger: consoleLogger });
 */
export const consoleLogger: Logger = {
  debug: () => {},
  info: (message, details) => console.info(line('INFO', message, details)),
  warn: (message, details) => console.warn(line('WARN', message, details)),
  error: (message, details) => console.error(line('ERROR', message, details)),
};

/** A full {@link Logger} from what the caller gave (a `ProjectionLogger` may lack `debug` / `info`). */
export function toLogger(logger: Logger | ProjectionLogger | undefined, fallback: Logger): Logger {
  if (!logger) return fallback;
  if (typeof logger.debug === 'function' && typeof logger.info === 'function') return logger as Logger;
  // Method calls (not detached functions), so a class-based logger keeps its `this`.
  return {
    debug: (message, details) => logger.debug?.(message, details),
    info: (message, details) => logger.info?.(message, details),
    warn: (message, details) => logger.warn(message, details),
    error: (message, details) => logger.error(message, details),
  };
}

/** Runs a report; a logger or metrics sink that throws must never fail a batch. */
export function safely(report: () => void): void {
  try {
    report();
  } catch {
    // Reporting is best effort.
  }
}
