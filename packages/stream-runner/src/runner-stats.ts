/** Counters of a running `StreamRunner`, see `StreamRunner.stats()`. */
export interface StreamRunnerStats {
  /** Records passed to the handler, redeliveries included. */
  readonly recordsDelivered: number;
  /** Records done with: acknowledged by the handler or given up to `onFailure`. */
  readonly recordsAcknowledged: number;
  /** Handler invocations. */
  readonly batches: number;
  /** Invocations that failed: thrown error, malformed response, or `batchItemFailures`. */
  readonly failures: number;
  /** Invocations that redelivered records (after a failure or a bisection). */
  readonly retries: number;
  /** Records given up to `onFailure`. */
  readonly deadLettered: number;
  /** Errors reported to `onError` (stream reads, checkpoint writes, `onFailure` calls). */
  readonly errors: number;
  /**
   * Age of the newest record of the latest invocation when it was delivered, from the record's
   * `ApproximateCreationDateTime` (whole seconds): Lambda's `IteratorAge`. `undefined` before any.
   */
  readonly lagMs: number | undefined;
  readonly shards: {
    /** Shards being read now or queued for a slot. */
    readonly reading: number;
    /** Shards waiting for their parent to be read to the end. */
    readonly waiting: number;
    /** Shards read to their end (or skipped by `LATEST`). */
    readonly finished: number;
  };
}

/** Mutable counters behind {@link StreamRunnerStats}. */
export class RunnerCounters {
  recordsDelivered = 0;
  recordsAcknowledged = 0;
  batches = 0;
  failures = 0;
  retries = 0;
  deadLettered = 0;
  errors = 0;
  lagMs: number | undefined = undefined;

  /** Counts one invocation of `records` records whose newest was created at `newestSeconds`. */
  invoked(records: number, redelivery: boolean, newestSeconds: number | undefined): void {
    this.batches += 1;
    this.recordsDelivered += records;
    if (redelivery) this.retries += 1;
    if (newestSeconds !== undefined) this.lagMs = Math.max(0, Date.now() - newestSeconds * 1000);
  }

  snapshot(shards: StreamRunnerStats['shards']): StreamRunnerStats {
    const { recordsDelivered, recordsAcknowledged, batches, failures, retries, deadLettered, errors, lagMs } =
      this;
    return {
      recordsDelivered,
      recordsAcknowledged,
      batches,
      failures,
      retries,
      deadLettered,
      errors,
      lagMs,
      shards,
    };
  }
}
