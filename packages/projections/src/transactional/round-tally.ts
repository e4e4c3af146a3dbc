import type { StreamStep } from '../engine/apply-stream.js';
import type { DeadLetterNotice, ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';

/** What an applier did for good: only written work (or work that needs no write) counts. */
export interface ApplyTotals {
  applied: number;
  deadLetters: DeadLetterNotice[];
  /** Write requests (single conditional writes and transactions) that succeeded. */
  transactions: number;
  /** ISO time of the newest applied event. */
  newestRecordedAt?: string;
}

export const emptyTotals = (): ApplyTotals => ({ applied: 0, deadLetters: [], transactions: 0 });

/** Adds `from` into `into`. */
export function addTotals(into: ApplyTotals, from: ApplyTotals): void {
  into.applied += from.applied;
  into.deadLetters.push(...from.deadLetters);
  into.transactions += from.transactions;
  into.newestRecordedAt = newest(into.newestRecordedAt, from.newestRecordedAt);
}

const newest = (a: string | undefined, b: string | undefined) => (a === undefined || (b ?? '') > a ? b : a);

/** Counts the steps of a round once they are written (or needed no write). */
export class RoundTally {
  readonly #totals = emptyTotals();

  /** A step is settled: its events count, its failures are reported. */
  settle(step: StreamStep, projection: Projection, observer: ProjectionObserver): void {
    this.#totals.applied += step.applied;
    this.#totals.newestRecordedAt = newest(this.#totals.newestRecordedAt, step.newestRecordedAt);
    for (const { letter, error } of step.deadLetters) {
      const { streamId, version, eventId, eventType, attempts } = letter;
      this.#totals.deadLetters.push({ streamId, version, eventId, eventType, attempts, error });
    }
    if (step.retried) {
      const { version, attempts, error } = step.retried;
      observer.eventRetried(projection, { streamId: step.streamId, version }, attempts, error);
    }
  }

  written(requests: number): void {
    this.#totals.transactions += requests;
  }

  totals(): ApplyTotals {
    return this.#totals;
  }
}
