/**
 * A stream's state at one version, stored so that loading the stream reads only the events after it.
 *
 * @example
 * const snapshot: Snapshot<{ balance: number }> = {
 *   streamId: 'account-1',
 *   version: 300,
 *   eventId: '01JDX4Q8ZK2M3N4P5Q6R7S8T9V',
 *   schemaVersion: 2,
 *   state: { balance: 42 },
 *   takenAt: '2025-01-01T00:00:00.000Z',
 * };
 */
export interface Snapshot<S = unknown> {
  readonly streamId: string;
  /** Version of the last event folded into `state`. */
  readonly version: number;
  /**
   * Id of that event. A load checks it against the stream's event at `version`, so a snapshot
   * ahead of its stream, or of another stream's history, is never used.
   */
  readonly eventId: string;
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
 * await snapshots.save({ streamId: 'account-1', version: 300, eventId, schemaVersion: 2, state: { balance: 42 } });
 */
export interface NewSnapshot<S = unknown> {
  readonly streamId: string;
  readonly version: number;
  /** Id of the event at `version` (the last one folded into `state`). */
  readonly eventId: string;
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

/**
 * Options of `SnapshotStore.save`.
 *
 * @example
 * await snapshots.save(snapshot, { overwrite: true }); // replaces a snapshot found invalid
 */
export interface SaveSnapshotOptions {
  /**
   * Write even over a newer or equal snapshot: for replacing one found invalid (ahead of its
   * stream, not matching its events, undecodable). Any true snapshot is correct, so this is safe.
   */
  readonly overwrite?: boolean;
}
