import type { SnapshotStore } from '@dynamo-es/event-store';

/**
 * Where a snapshot error happened, for {@link SnapshotOptions.onError}.
 *
 * @example
 * const onError = (error: unknown, { operation, streamId }: SnapshotErrorContext) =>
 *   logger.warn({ error, operation, streamId }, 'snapshot failed; the command is unaffected');
 */
export interface SnapshotErrorContext {
  /** `'load'`: the snapshot could not be read or used, the stream was replayed from the start instead. `'save'`: the snapshot was not written. */
  readonly operation: 'load' | 'save';
  readonly streamId: string;
  /** The version the snapshot was for (on save). */
  readonly version?: number;
}

/**
 * Snapshot policy of one aggregate type (or decider).
 *
 * A snapshot is taken after a save that leaves the stream `every` or more events past the snapshot
 * the aggregate was loaded from (or took last): every `every` events in steady state, and also for
 * a long stream that has no usable snapshot yet. Loading then costs one `GetItem` and one query for
 * the events after the snapshot. A snapshot whose `schemaVersion` differs from this one is ignored
 * (the stream is replayed from the start), so changing the state shape never breaks loading: bump
 * `schemaVersion` whenever the shape of the state changes.
 *
 * @example
 * const snapshots: SnapshotOptions<AccountState> = {
 *   store: new SnapshotStore({ client, tableName: 'snapshots' }),
 *   every: 100,
 *   schemaVersion: 2,
 * };
 */
export interface SnapshotOptions<S> {
  /** Where snapshots live: a `SnapshotStore` (or anything with its `load` and `save`). */
  readonly store: Pick<SnapshotStore, 'load' | 'save'>;
  /** Take a snapshot once this many events have been stored since the last one (an integer of at least 1). */
  readonly every: number;
  /** Version of the state's shape (default 1). */
  readonly schemaVersion?: number;
  /** Turns the state into plain data to store (default: the state itself). */
  readonly toSnapshot?: (state: S) => unknown;
  /** Turns stored plain data back into the state (default: the data itself). */
  readonly fromSnapshot?: (stored: unknown) => S;
  /**
   * Called when a snapshot cannot be read, used or written. Snapshot errors never fail a command.
   * Every failure is also reported to the repository's logger (`warn`) and metrics
   * (`SnapshotFailures`). Without this hook and without a logger: `console.warn` once per kind of error.
   */
  readonly onError?: (error: unknown, context: SnapshotErrorContext) => void;
}
