import { EventStoreError, EventStoreErrorCode } from '../errors.js';

/** Stable code of {@link CorruptSnapshotError}. */
export const CORRUPT_SNAPSHOT_CODE = EventStoreErrorCode.CorruptSnapshot;

/**
 * An item read from the snapshots table is not a valid snapshot (written by something else, or
 * damaged). Callers loading an aggregate should ignore the snapshot and replay the stream.
 *
 * @example
 * try {
 *   await snapshots.load('account-1');
 * } catch (error) {
 *   if (isCorruptSnapshotError(error)) console.warn(error.streamId, error.message);
 * }
 */
export class CorruptSnapshotError extends EventStoreError {
  readonly streamId: string;

  constructor(streamId: string, problem: string, options?: { cause?: unknown }) {
    super(CORRUPT_SNAPSHOT_CODE, `Not a valid snapshot of stream "${streamId}": ${problem}`, options);
    this.name = 'CorruptSnapshotError';
    this.streamId = streamId;
  }
}

/**
 * True for a {@link CorruptSnapshotError}, checked by `code` so it works across duplicated installs.
 *
 * @example
 * if (isCorruptSnapshotError(error)) replayFromStart();
 */
export const isCorruptSnapshotError = (error: unknown): error is CorruptSnapshotError =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === CORRUPT_SNAPSHOT_CODE;
