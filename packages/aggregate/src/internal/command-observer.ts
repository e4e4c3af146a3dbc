import type { ConcurrencyError, Logger, Metrics } from '@dynamo-es/event-store';
import type { SnapshotErrorContext } from '../snapshot-options.js';

/**
 * Reports what the repository does that matters in production to the logger and metrics: conflicts
 * retried, retries exhausted, snapshots written or failed. A hook that throws is ignored: reporting
 * must never fail a command.
 */
export class CommandObserver {
  readonly logger: Logger;
  readonly metrics: Metrics;

  constructor(logger: Logger, metrics: Metrics) {
    this.logger = logger;
    this.metrics = metrics;
  }

  /** `attempt` lost the race; the command runs again after `delayMs`. */
  conflictRetried(error: ConcurrencyError, attempt: number, delayMs: number): void {
    safely(() => this.metrics.record('CommandRetries', 1, 'Count'));
    safely(() =>
      this.logger.info('dynamo-es: command retried after a conflict', {
        ...conflict(error),
        attempt,
        delayMs: Math.round(delayMs),
      }),
    );
  }

  /** Every attempt lost the race; the command fails with `RetriesExhaustedError`. */
  retriesExhausted(error: ConcurrencyError, attempts: number): void {
    safely(() =>
      this.logger.warn('dynamo-es: command gave up after conflicts', { ...conflict(error), attempts }),
    );
  }

  /** A cached state turned out to be behind (optimistic mode): caught up and run again at once. */
  staleCache(error: ConcurrencyError): void {
    safely(() => this.metrics.record('StaleCacheRetries', 1, 'Count'));
    safely(() => this.logger.debug('dynamo-es: cached state was behind; caught up', conflict(error)));
  }

  /** A keyed command was found already applied: its original result is returned, nothing decided. */
  replayed(details: { key: string; command: string; streamIds: readonly string[] }): void {
    safely(() => this.metrics.record('IdempotentReplays', 1, 'Count'));
    safely(() => this.logger.debug('dynamo-es: command already applied; replayed', { ...details }));
  }

  snapshotWritten(snapshot: { streamId: string; version: number; schemaVersion: number }): void {
    safely(() => this.metrics.record('SnapshotsWritten', 1, 'Count'));
    safely(() => this.logger.debug('dynamo-es: snapshot written', { ...snapshot }));
  }

  /** The store already holds this snapshot or a newer one (a racing writer took it). */
  snapshotSuperseded(snapshot: { streamId: string; version: number }): void {
    safely(() => this.logger.debug('dynamo-es: snapshot not written, a newer one exists', { ...snapshot }));
  }

  snapshotFailed(error: unknown, context: SnapshotErrorContext): void {
    const { name, message } = (error ?? {}) as { name?: string; message?: string };
    safely(() => this.metrics.record('SnapshotFailures', 1, 'Count'));
    safely(() =>
      this.logger.warn('dynamo-es: snapshot failed; the command is unaffected', {
        ...context,
        errorName: name ?? 'Error',
        error: message ?? String(error),
      }),
    );
  }
}

const conflict = (error: ConcurrencyError) => ({
  streamId: error.streamId,
  expectedVersion: error.expectedVersion,
  actualVersion: error.actualVersion,
});

function safely(report: () => void): void {
  try {
    report();
  } catch {
    // A broken logger or metrics sink must not turn into a failed command.
  }
}
