import type { Logger, Metrics } from '@dynamo-es/event-store';
import type { ProjectionRef } from '../keys.js';
import { type BatchSummary, errorFields } from './batch-summary.js';
import { safely } from './logger.js';

/** An event given up on: written to the dead letters in a committed transaction. */
export interface DeadLetterNotice {
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempts: number;
  readonly error: unknown;
}

const projectionOf = (ref: ProjectionRef) => ({ projection: ref.name, projectionVersion: ref.version });

/**
 * Reports what the projection apply path does to the logger and metrics: batches, retries,
 * dead letters, conflict rounds. A hook that throws is ignored: reporting never fails a batch.
 */
export class ProjectionObserver {
  readonly logger: Logger;
  readonly metrics: Metrics;

  constructor(logger: Logger, metrics: Metrics) {
    this.logger = logger;
    this.metrics = metrics;
  }

  /** Records `value` with the `projection` dimension; zero counts are not sent. */
  record(name: string, value: number, ref: ProjectionRef, unit: 'Count' | 'Milliseconds' = 'Count'): void {
    if (unit === 'Count' && value === 0) return;
    safely(() => this.metrics.record(name, value, unit, { projection: ref.name }));
  }

  /** A handler failed on an event; it is retried on redelivery (attempts below the maximum). */
  eventRetried(
    ref: ProjectionRef,
    event: { streamId: string; version: number },
    attempts: number,
    error: unknown,
  ) {
    safely(() =>
      this.logger.warn('dynamo-es: projection handler failed; the event will be retried', {
        ...projectionOf(ref),
        streamId: event.streamId,
        version: event.version,
        attempts,
        ...errorFields(error),
      }),
    );
  }

  deadLettered(ref: ProjectionRef, notice: DeadLetterNotice): void {
    this.record('DeadLettered', 1, ref);
    safely(() =>
      this.logger.error('dynamo-es: projection event dead-lettered', {
        ...projectionOf(ref),
        streamId: notice.streamId,
        version: notice.version,
        eventId: notice.eventId,
        eventType: notice.eventType,
        attempts: notice.attempts,
        ...errorFields(notice.error),
      }),
    );
  }

  /** A concurrent invocation won a condition; `streams` are applied again in round `round`. */
  conflictRound(ref: ProjectionRef, round: number, streams: number): void {
    safely(() =>
      this.logger.info('dynamo-es: projection conflict; re-reading and applying again', {
        ...projectionOf(ref),
        round,
        streams,
      }),
    );
  }

  roundsExhausted(ref: ProjectionRef, streams: number): void {
    safely(() =>
      this.logger.warn('dynamo-es: projection conflicts exhausted the rounds; streams will be redelivered', {
        ...projectionOf(ref),
        streams,
      }),
    );
  }

  /** The batch failed as a whole (e.g. the read-model table is missing): every stream is redelivered. */
  batchFailed(ref: ProjectionRef, error: unknown): void {
    safely(() =>
      this.logger.error('dynamo-es: projection batch failed', {
        ...projectionOf(ref),
        ...errorFields(error),
      }),
    );
  }

  /**
   * One projection's share of a handler invocation: `info` when something out of the ordinary
   * happened (duplicates, gaps, failures, dead letters, conflicts), `debug` otherwise.
   */
  batchProcessed(ref: ProjectionRef, summary: BatchSummary): void {
    this.record('EventsProjected', summary.applied, ref);
    this.record('DuplicatesSkipped', summary.duplicatesSkipped, ref);
    this.record('GapsFilled', summary.gapsFilled, ref);
    this.record('BatchFailures', summary.streamsFailed > 0 ? 1 : 0, ref);
    if (summary.lagMs !== undefined) this.record('ProjectionLag', summary.lagMs, ref, 'Milliseconds');
    const notable =
      summary.duplicatesSkipped + summary.gapsFilled + summary.streamsFailed + summary.deadLettered > 0 ||
      summary.conflictRounds > 0;
    const details = { ...projectionOf(ref), ...summary };
    safely(() =>
      notable
        ? this.logger.info('dynamo-es: projection batch processed', details)
        : this.logger.debug('dynamo-es: projection batch processed', details),
    );
  }
}
