import { ApplyConflictError } from '../errors.js';
import type { ProjectionRef } from '../keys.js';
import type { Projection } from '../projection.js';
import { backoffDelay, sleep } from '../storage/backoff.js';
import type { ReadModelTable } from '../storage/read-model-table.js';
import { ApplyRound } from './apply-round.js';
import type { EventSource, ProjectionLogger, StreamJob, StreamOutcome } from './types.js';

/** How an applier behaves; the stream handler, catch-up and replay set these. */
export interface ApplierConfig {
  readonly projection: Projection;
  readonly table: ReadModelTable;
  readonly events: EventSource;
  /** Failed attempts on one (projection, stream, version) before it is dead-lettered. */
  readonly maxAttempts: number;
  /** Rounds of re-reading and retrying after a conflicting concurrent invocation. */
  readonly maxRounds: number;
  /** Streams whose gaps are read from the event store at once. */
  readonly gapReadConcurrency: number;
  /**
   * A stream whose events change no document gets its checkpoint written only once it is this
   * many versions behind: cheaper than a write per batch, and a later gap read stays short.
   */
  readonly checkpointInterval: number;
  readonly now: () => Date;
  readonly logger: ProjectionLogger;
}

/**
 * Applies stream jobs to one projection exactly once per (projection, stream, version), in
 * version order per stream. A round reads every checkpoint once, applies, and commits in as few
 * transactions as the limits allow; when a concurrent invocation wins a condition, the streams
 * of the failed transaction go to a new round that reads their checkpoints again.
 */
export class ProjectionApplier {
  readonly config: ApplierConfig;
  readonly ref: ProjectionRef;

  constructor(config: ApplierConfig) {
    this.config = config;
    this.ref = { name: config.projection.name, version: config.projection.version };
  }

  async apply(jobs: readonly StreamJob[]): Promise<Map<string, StreamOutcome>> {
    const outcomes = new Map<string, StreamOutcome>();
    let pending = [...jobs];
    for (let round = 1; pending.length > 0; round++) {
      if (round > this.config.maxRounds) {
        const reason = new ApplyConflictError(this.ref.name);
        for (const job of pending)
          outcomes.set(job.streamId, { kind: 'retry', fromVersion: lowestVersion(job), reason });
        this.config.logger.warn('projection conflicts exhausted the rounds; streams will be redelivered', {
          projection: this.ref.name,
          streams: pending.length,
        });
        break;
      }
      if (round > 1) await sleep(backoffDelay(round, 25, 1_000));
      const result = await new ApplyRound(this.config, this.ref).run(pending);
      for (const [streamId, outcome] of result.outcomes) outcomes.set(streamId, outcome);
      pending = result.retry;
    }
    return outcomes;
  }
}

// Without a fresh checkpoint, the safe place to redeliver from is the lowest version delivered.
function lowestVersion(job: StreamJob): number {
  return job.delivered.length === 0 ? 1 : Math.min(...job.delivered.map((event) => event.version));
}
