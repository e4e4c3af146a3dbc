import { ApplyConflictError } from '../errors.js';
import type { ProjectionRef } from '../keys.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import { backoffDelay, sleep } from '../storage/backoff.js';
import type { ReadModelTable } from '../storage/read-model-table.js';
import { ApplyRound } from './apply-round.js';
import { type ApplyTotals, addTotals, emptyTotals } from './round-tally.js';
import type { EventSource, StreamJob, StreamOutcome } from './types.js';

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
  /** Where retries, dead letters and conflict rounds are reported. */
  readonly observer: ProjectionObserver;
}

/** What {@link ProjectionApplier.run} did: each stream's outcome, and counts for logs and metrics. */
export interface ApplyResult {
  readonly outcomes: Map<string, StreamOutcome>;
  readonly stats: ApplyTotals & {
    readonly duplicates: number;
    readonly filled: number;
    readonly conflictRounds: number;
  };
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
    return (await this.run(jobs)).outcomes;
  }

  async run(jobs: readonly StreamJob[]): Promise<ApplyResult> {
    const { observer, maxRounds } = this.config;
    const outcomes = new Map<string, StreamOutcome>();
    const totals = emptyTotals();
    let planned = { duplicates: 0, filled: 0 };
    let pending = [...jobs];
    let round = 1;
    for (; pending.length > 0; round++) {
      if (round > maxRounds) {
        const reason = new ApplyConflictError(this.ref.name);
        for (const job of pending)
          outcomes.set(job.streamId, { kind: 'retry', fromVersion: lowestVersion(job), reason });
        observer.roundsExhausted(this.ref, pending.length);
        break;
      }
      if (round > 1) {
        observer.conflictRound(this.ref, round, pending.length);
        await sleep(backoffDelay(round, 25, 1_000));
      }
      const result = await new ApplyRound(this.config, this.ref).run(pending);
      for (const [streamId, outcome] of result.outcomes) outcomes.set(streamId, outcome);
      for (const notice of result.totals.deadLetters) observer.deadLettered(this.ref, notice);
      addTotals(totals, result.totals);
      // Later rounds re-plan streams whose earlier work committed: only the first round's plan
      // says what the delivery held.
      if (round === 1) planned = result.planned;
      pending = result.retry;
    }
    return { outcomes, stats: { ...totals, ...planned, conflictRounds: Math.max(0, round - 2) } };
  }
}

// Without a fresh checkpoint, the safe place to redeliver from is the lowest version delivered.
function lowestVersion(job: StreamJob): number {
  return job.delivered.length === 0 ? 1 : Math.min(...job.delivered.map((event) => event.version));
}
