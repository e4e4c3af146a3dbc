import type { FeedEntry } from '../reader/entries.js';
import type { Findings } from './findings.js';
import { FeedProblemKind } from './problem-kind.js';
import { type TypeTally, tallyEntry, typeTally } from './stream-tally.js';

/**
 * Compares, type by type, the events the batches hold before `before` (the latest batch's first
 * position) with the type index's entries there: counts and an order-independent digest of
 * (position, stream, version), so memory grows with the number of types, not events.
 */
export class TypeIndexCheck {
  readonly #types = new Map<string, TypeTally>();

  constructor(readonly before: number) {}

  addBatched(entry: FeedEntry): void {
    if (entry.position < this.before) tallyEntry(this.#tally(entry.type).batches, entry);
  }

  addIndexed(entry: FeedEntry): void {
    if (entry.position < this.before) tallyEntry(this.#tally(entry.type).index, entry);
  }

  report(found: Findings): void {
    for (const [type, { batches, index }] of this.#types) {
      if (batches.count === index.count && batches.digest === index.digest) continue;
      found.add(
        FeedProblemKind.TypeIndex,
        undefined,
        `type "${type}": the batches before position ${this.before} hold ${batches.count} events, ` +
          `the type index lists ${index.count}${batches.count === index.count ? ' (other ones)' : ''}`,
        Math.max(1, Math.abs(batches.count - index.count)),
      );
    }
  }

  #tally(type: string): TypeTally {
    let tally = this.#types.get(type);
    if (!tally) {
      tally = typeTally();
      this.#types.set(type, tally);
    }
    return tally;
  }
}
