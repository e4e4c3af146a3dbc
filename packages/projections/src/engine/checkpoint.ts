/**
 * Where a projection is in one stream: the last version applied to its read model, and the state
 * of the event after it when that one is failing or was given up on. Written atomically with the
 * documents its events changed.
 */
export interface CheckpointState {
  /** Last applied version (0: nothing applied). */
  readonly version: number;
  /** The version that failed last, and how many attempts failed on it (the durable retry count). */
  readonly failedVersion?: number;
  readonly attempts?: number;
  readonly lastError?: string;
  /** Set when the stream is parked at this version after a dead letter (`'park-stream'`). */
  readonly parkedAt?: number;
}

/** A checkpoint that has never been written. */
export const INITIAL_CHECKPOINT: CheckpointState = { version: 0 };

/** The longest `lastError` kept in a checkpoint. */
export const MAX_CHECKPOINT_ERROR_CHARS = 1_000;
