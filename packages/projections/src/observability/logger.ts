import type { Logger } from '@dynamo-es/event-store';

const line = (level: string, message: string, details?: Record<string, unknown>) =>
  JSON.stringify({ level, message, ...details });

/**
 * Logs one JSON line per message, as CloudWatch Logs likes it; `debug` (one line per batch) is
 * dropped. The read models default to the event store's logger; pass this to get JSON lines
 * without configuring one.
 *
 * @example
 * const readModels = new ReadModels({ client, eventStore, logger: consoleLogger });
 */
export const consoleLogger: Logger = {
  debug: () => {},
  info: (message, details) => console.info(line('INFO', message, details)),
  warn: (message, details) => console.warn(line('WARN', message, details)),
  error: (message, details) => console.error(line('ERROR', message, details)),
};

/** Runs a report; a logger or metrics sink that throws must never fail a batch. */
export function safely(report: () => void): void {
  try {
    report();
  } catch {
    // Reporting is best effort.
  }
}
