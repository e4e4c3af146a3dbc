import type { DeadLetterNotice } from '../observability/projection-observer.js';

/** What an applier did for good: only committed work (or work that needs no write) counts. */
export interface ApplyTotals {
  applied: number;
  deadLetters: DeadLetterNotice[];
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

/**
 * Counts of one apply round, per stream until they are settled: a stream's work moves to the
 * totals when its transaction commits, and is forgotten when the stream goes to another round
 * (after a lost condition race it is applied again from its committed checkpoint).
 */
export class RoundTally {
  readonly #pending = new Map<string, ApplyTotals>();
  readonly #settled = emptyTotals();

  applied(streamId: string, recordedAt: string | undefined): void {
    const tally = this.#of(streamId);
    tally.applied += 1;
    tally.newestRecordedAt = newest(tally.newestRecordedAt, recordedAt);
  }

  deadLettered(notice: DeadLetterNotice): void {
    this.#of(notice.streamId).deadLetters.push(notice);
  }

  /** A transaction with the writes of `streamIds` committed. */
  committed(streamIds: Iterable<string>): void {
    this.#settled.transactions += 1;
    for (const streamId of streamIds) this.#settle(streamId);
  }

  /** `streamIds` start again in another round: what they did since their last commit did not happen. */
  discard(streamIds: Iterable<string>): void {
    for (const streamId of streamIds) this.#pending.delete(streamId);
  }

  /** Settles what is left (work that needed no write) and returns the round's totals. */
  totals(): ApplyTotals {
    for (const streamId of [...this.#pending.keys()]) this.#settle(streamId);
    return this.#settled;
  }

  #settle(streamId: string): void {
    const tally = this.#pending.get(streamId);
    if (!tally) return;
    this.#pending.delete(streamId);
    addTotals(this.#settled, { ...tally, transactions: 0 });
  }

  #of(streamId: string): ApplyTotals {
    let tally = this.#pending.get(streamId);
    if (!tally) {
      tally = emptyTotals();
      this.#pending.set(streamId, tally);
    }
    return tally;
  }
}
