/**
 * A stream's state at one version, stored so that loading the stream reads only the events after it.
 *
 * @example
 * const snapshot: Snapshot<{ balance: number }> = {
 *   streamId: 'account-1',
 *   version: 300,
 *   schemaVersion: 2,
 *   state: { balance: 42 },
 *   takenAt: '2025-01-01T00:00:00.000Z',
 * };
 */
export interface Snapshot<S = unknown> {
  readonly streamId: string;
  /** Version of the last event folded into `state`. */
  readonly version: number;
  /** Version of the shape of `state`; a reader ignores a snapshot whose schema version it does not expect. */
  readonly schemaVersion: number;
  /** Plain data, stored with the event store's value codec (exactly, or rejected). */
  readonly state: S;
  /** ISO-8601 time at which the snapshot was taken. */
  readonly takenAt: string;
}

/**
 * A snapshot to save; `takenAt` defaults to the store's clock.
 *
 * @example
 * await snapshots.save({ streamId: 'account-1', version: 300, schemaVersion: 2, state: { balance: 42 } });
 */
export interface NewSnapshot<S = unknown> {
  readonly streamId: string;
  readonly version: number;
  readonly schemaVersion: number;
  readonly state: S;
  readonly takenAt?: string;
}

/**
 * What `SnapshotStore.save` did.
 *
 * @example
 * const { written } = await snapshots.save(snapshot);
 * if (!written) console.log('a newer snapshot was already stored');
 */
export interface SaveSnapshotResult {
  /** False when the table already holds a newer snapshot (or this one): nothing was replaced. */
  readonly written: boolean;
}
