/** What one stream handler invocation did for one projection, as logged and measured. */
export interface BatchSummary {
  /** Event records in the batch (decoded `INSERT`s of events). */
  readonly records: number;
  /** Events the projection went past, handled or not (failed and dead-lettered ones excluded). */
  readonly applied: number;
  /** Delivered events at or below the checkpoint, or delivered twice. */
  readonly duplicatesSkipped: number;
  /** Events read from the event store to fill gaps in the delivery. */
  readonly gapsFilled: number;
  readonly deadLettered: number;
  /** Streams reported back for redelivery. */
  readonly streamsFailed: number;
  /** Transactions committed. */
  readonly transactions: number;
  /** Rounds re-run after losing a condition race to a concurrent invocation. */
  readonly conflictRounds: number;
  readonly durationMs: number;
  /** Now minus the newest applied event's `recordedAt` (absent when nothing was applied). */
  readonly lagMs?: number;
}

/** Error fields for a log line. */
export function errorFields(error: unknown): { errorName: string; error: string } {
  if (error instanceof Error) return { errorName: error.name, error: error.message };
  return { errorName: 'NonError', error: String(error) };
}
