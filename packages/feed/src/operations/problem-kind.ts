/** What {@link validateFeed} can find wrong. */
export const FeedProblemKind = {
  /** Events of the table the feed does not hold (yet: an indexer that lags shows here too). */
  Missing: 'missing',
  /** A version the feed holds twice. */
  Duplicate: 'duplicate',
  /** A stream's versions out of order in the feed (a version before one it skipped). */
  OutOfOrder: 'out-of-order',
  /** Versions in the feed that the events table does not hold. */
  Unknown: 'unknown',
  /** The same versions, but not the same types. */
  TypeMismatch: 'type-mismatch',
  /** A stream state claiming more than the feed holds (it would make the indexer skip events). */
  StateAhead: 'state-ahead',
  /**
   * The type index does not list exactly the events the batches hold of a type (before the latest
   * batch, whose index items are written when the next batch is): reads by type would miss them.
   */
  TypeIndex: 'type-index',
  /** Positions that do not follow each other, or an unreadable batch or item. */
  Corrupt: 'corrupt',
} as const;
export type FeedProblemKind = (typeof FeedProblemKind)[keyof typeof FeedProblemKind];

export interface FeedProblem {
  readonly kind: FeedProblemKind;
  readonly streamId?: string;
  readonly detail: string;
}
