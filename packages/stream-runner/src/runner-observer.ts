import type { Logger, Metrics } from '@dynamo-es/event-store';
import type { RetryNotice } from './deliver-batch.js';
import type { FailedBatch } from './failed-batch.js';
import { errorFields, safely } from './report.js';

/**
 * Reports what a `StreamRunner` does with batches: records delivered, batches retried (`warn`,
 * `BatchRetries`), records given up to `onFailure` (`warn`, `RecordsSentToOnFailure`). A logger or
 * metrics sink that throws is ignored.
 */
export class RunnerObserver {
  readonly #logger: Logger;
  readonly #metrics: Metrics;

  constructor(logger: Logger, metrics: Metrics) {
    this.#logger = logger;
    this.#metrics = metrics;
  }

  delivered(records: number): void {
    safely(() => this.#metrics.record('RecordsDelivered', records, 'Count'));
  }

  retrying(shardId: string, notice: RetryNotice): void {
    safely(() => this.#metrics.record('BatchRetries', 1, 'Count'));
    const { records, failures, delayMs, bisected, error } = notice;
    safely(() =>
      this.#logger.warn('dynamo-es: stream runner batch failed; retrying', {
        shardId,
        records,
        failures,
        delayMs,
        bisected,
        ...errorFields(error),
      }),
    );
  }

  givenUp(batch: FailedBatch): void {
    safely(() => this.#metrics.record('RecordsSentToOnFailure', batch.batchSize, 'Count'));
    safely(() =>
      this.#logger.warn('dynamo-es: stream runner gave up on records; sending them to onFailure', {
        shardId: batch.shardId,
        records: batch.batchSize,
        attempts: batch.attempts,
        startSequenceNumber: batch.startSequenceNumber,
        endSequenceNumber: batch.endSequenceNumber,
        ...errorFields(batch.error),
      }),
    );
  }
}
