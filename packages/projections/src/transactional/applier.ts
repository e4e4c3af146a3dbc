import { backoffDelay, sleep } from '@dynamo-es/event-store';
import type { EventRangeReader } from '../engine/contiguous-events.js';
import { ApplyConflictError } from '../errors.js';
import { type ApplierConfig, applyRound, type DecidedOutcome, type TransactionalJob } from './apply-round.js';
import { type ApplyTotals, addTotals, emptyTotals } from './round-tally.js';

/** What {@link applyJobs} did: each stream's outcome, and counts for logs and metrics. */
export interface ApplyResult {
  readonly outcomes: Map<string, DecidedOutcome>;
  readonly stats: ApplyTotals & {
    readonly duplicates: number;
    readonly filled: number;
    readonly conflictRounds: number;
  };
}

/**
 * Applies stream jobs to one projection through the transactional backend, exactly once per
 * (projection, stream, version), in version order per stream. A round reads every checkpoint once,
 * applies, and writes in as few requests as the limits allow; when a concurrent invocation wins a
 * condition, the streams of the failed write go to a new round that reads them again (bounded,
 * then they are reported for redelivery).
 */
export async function applyJobs(
  config: ApplierConfig,
  jobs: readonly TransactionalJob[],
  read: EventRangeReader,
): Promise<ApplyResult> {
  const { observer, maxRounds, projection } = config;
  const outcomes = new Map<string, DecidedOutcome>();
  const totals = emptyTotals();
  let planned = { duplicates: 0, filled: 0 };
  let pending = [...jobs];
  let round = 1;
  for (; pending.length > 0; round++) {
    if (round > maxRounds) {
      const reason = new ApplyConflictError(projection.name);
      for (const job of pending)
        outcomes.set(job.streamId, { kind: 'retry', fromVersion: lowestVersion(job), reason });
      observer.roundsExhausted(projection, pending.length);
      break;
    }
    if (round > 1) {
      observer.conflictRound(projection, round, pending.length);
      await sleep(backoffDelay(round, { baseMs: 25, capMs: 1_000 }));
    }
    const result = await applyRound(config, pending, read);
    for (const [streamId, outcome] of result.outcomes) outcomes.set(streamId, outcome);
    for (const notice of result.totals.deadLetters) observer.deadLettered(projection, notice);
    addTotals(totals, result.totals);
    // Later rounds re-plan streams whose earlier work was written: only the first round's plan
    // says what the delivery held.
    if (round === 1) planned = result.planned;
    pending = result.retry;
  }
  return { outcomes, stats: { ...totals, ...planned, conflictRounds: Math.max(0, round - 2) } };
}

// Without a fresh checkpoint, the safe place to redeliver from is the lowest version delivered.
function lowestVersion(job: TransactionalJob): number {
  return job.delivered.length === 0 ? 1 : Math.min(...job.delivered.map((event) => event.version));
}
