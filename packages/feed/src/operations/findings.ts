import type { FeedProblem, FeedProblemKind } from './problem-kind.js';

/** The problems a validation found: every one counted by kind, the first `max` listed. */
export class Findings {
  readonly counts: Record<FeedProblemKind, number>;
  readonly problems: FeedProblem[] = [];
  total = 0;

  constructor(
    readonly max: number,
    kinds: readonly FeedProblemKind[],
  ) {
    this.counts = Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<FeedProblemKind, number>;
  }

  add(kind: FeedProblemKind, streamId: string | undefined, detail: string, weight = 1): void {
    this.counts[kind] += weight;
    this.total += weight;
    if (this.problems.length < this.max)
      this.problems.push({ kind, ...(streamId ? { streamId } : {}), detail });
  }
}
