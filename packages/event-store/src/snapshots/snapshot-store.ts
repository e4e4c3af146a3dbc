import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_COMPRESS_ABOVE } from '../codec/body.js';
import { InvalidInputError } from '../errors.js';
import { isConditionalCheckFailure } from '../support/conditional-check.js';
import { assertClientAndTable, assertStreamId, assertVersionNumber, describeValue } from '../validation.js';
import { decodeSnapshotItem, encodeSnapshotItem } from './snapshot-item.js';
import { buildGetSnapshot, buildPutSnapshot } from './snapshot-requests.js';
import type { NewSnapshot, SaveSnapshotOptions, SaveSnapshotResult, Snapshot } from './types.js';

/**
 * Options of a {@link SnapshotStore}.
 *
 * @example
 * const options: SnapshotStoreOptions = { client, tableName: 'snapshots' };
 */
export interface SnapshotStoreOptions {
  /** A DynamoDB client; the store never creates one itself. */
  readonly client: DynamoDBClient;
  /** The snapshots table (see `createSnapshotTable`), not the events table. */
  readonly tableName: string;
  /** Clock for `takenAt` (default: `new Date()`). */
  readonly now?: () => Date;
  /** Compress a state when its item would exceed this many bytes; `false`: never (default 1,024). */
  readonly compressAbove?: number | false;
}

/**
 * Options of {@link SnapshotStore.load}.
 *
 * @example
 * await snapshots.load('account-1', { consistentRead: true });
 */
export interface LoadSnapshotOptions {
  /** Strongly consistent read (default `false`: a stale snapshot is still correct, and half the price). */
  readonly consistentRead?: boolean;
}

/**
 * Saves and loads the latest snapshot of each stream, in a table of its own.
 *
 * @example
 * const snapshots = new SnapshotStore({ client, tableName: 'snapshots' });
 * await snapshots.save({ streamId: 'account-1', version: 100, eventId, schemaVersion: 1, state: { balance: 5 } });
 * const snapshot = await snapshots.load<{ balance: number }>('account-1'); // { version: 100, state, ... }
 */
export class SnapshotStore {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly #now: () => Date;
  readonly #compressAbove: number | false;

  constructor(options: SnapshotStoreOptions) {
    assertClientAndTable(options);
    const { compressAbove } = options;
    if (compressAbove !== undefined && compressAbove !== false)
      assertVersionNumber(compressAbove, 'compressAbove', 0);
    this.client = options.client;
    this.tableName = options.tableName;
    this.#now = options.now ?? (() => new Date());
    this.#compressAbove = compressAbove ?? DEFAULT_COMPRESS_ABOVE;
  }

  /**
   * Saves a snapshot with one conditional `PutItem` that never replaces a newer snapshot: when the
   * table already holds a newer one (or this very one), nothing is written and `written` is false.
   * With `overwrite`, the put has no condition (to replace a snapshot found invalid).
   *
   * @throws InvalidInputError for a malformed stream id, version or schema version; nothing is sent.
   * @throws UnsupportedValueError when the state holds a value DynamoDB cannot store exactly, or is too
   * large for one item; nothing is sent.
   */
  async save<S>(snapshot: NewSnapshot<S>, options: SaveSnapshotOptions = {}): Promise<SaveSnapshotResult> {
    const checked = this.#check(snapshot);
    const overwrite = options?.overwrite ?? false;
    if (typeof overwrite !== 'boolean') {
      throw new InvalidInputError('options.overwrite', `expected a boolean, got ${describeValue(overwrite)}`);
    }
    const { item } = encodeSnapshotItem(checked, { compressAbove: this.#compressAbove });
    try {
      await this.client.send(new PutItemCommand(buildPutSnapshot(this.tableName, item, overwrite)));
      return { written: true };
    } catch (error) {
      if (isConditionalCheckFailure(error)) return { written: false };
      throw error;
    }
  }

  /**
   * Loads a stream's latest snapshot, or `undefined` when it has none: one `GetItem`.
   *
   * @throws CorruptSnapshotError when the stored item is not a snapshot.
   */
  async load<S = unknown>(
    streamId: string,
    options: LoadSnapshotOptions = {},
  ): Promise<Snapshot<S> | undefined> {
    assertStreamId(streamId);
    const consistentRead = options.consistentRead ?? false;
    if (typeof consistentRead !== 'boolean') {
      throw new InvalidInputError(
        'options.consistentRead',
        `expected a boolean, got ${describeValue(consistentRead)}`,
      );
    }
    const output = await this.client.send(
      new GetItemCommand(buildGetSnapshot(this.tableName, streamId, consistentRead)),
    );
    return output.Item === undefined ? undefined : (decodeSnapshotItem(output.Item) as Snapshot<S>);
  }

  /** Fills in `takenAt`; {@link encodeSnapshotItem} checks every field. */
  #check(snapshot: NewSnapshot<unknown>): Snapshot {
    if (typeof snapshot !== 'object' || snapshot === null) {
      throw new InvalidInputError(
        'snapshot',
        `expected { streamId, version, eventId, schemaVersion, state }, got ${describeValue(snapshot)}`,
      );
    }
    return { ...snapshot, takenAt: snapshot.takenAt ?? this.#now().toISOString() };
  }
}
