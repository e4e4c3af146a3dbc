import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MAX_ITEM_BYTES } from '../codec/event-item.js';
import { decodeValue, encodeValue } from '../codec/value-codec.js';
import { UnsupportedValueError } from '../errors.js';
import { CorruptSnapshotError } from './errors.js';
import type { Snapshot } from './types.js';

/** Attribute names of a snapshot item. `streamId` is the partition key: one snapshot per stream. */
export const SnapshotAttribute = {
  StreamId: 'streamId',
  Version: 'version',
  SchemaVersion: 'schemaVersion',
  State: 'state',
  TakenAt: 'takenAt',
} as const;

export type SnapshotItem = Record<string, AttributeValue>;

/** A snapshot item ready to write, with its size as DynamoDB counts it (an upper bound). */
export interface EncodedSnapshot {
  readonly item: SnapshotItem;
  readonly size: number;
}

/**
 * Encodes a snapshot as a DynamoDB item with the event store's value codec, so the state round-trips
 * exactly or is rejected, and checks the 400 KB item limit. Pure: sends nothing.
 *
 * @example
 * const { item, size } = encodeSnapshotItem({ streamId: 'a-1', version: 3, schemaVersion: 1, state: {}, takenAt });
 * @throws UnsupportedValueError naming the path (e.g. `state.openedAt`) of a value that cannot be stored,
 * or the size of a state that does not fit one item.
 */
export function encodeSnapshotItem(snapshot: Snapshot): EncodedSnapshot {
  const state = encodeValue(snapshot.state, 'state');
  const item: SnapshotItem = {
    streamId: { S: snapshot.streamId },
    version: { N: String(snapshot.version) },
    schemaVersion: { N: String(snapshot.schemaVersion) },
    state: state.value,
    takenAt: { S: snapshot.takenAt },
  };
  const names = Object.values(SnapshotAttribute).reduce((sum, name) => sum + name.length, 0);
  const strings = Buffer.byteLength(snapshot.streamId, 'utf8') + Buffer.byteLength(snapshot.takenAt, 'utf8');
  // Two numbers (version, schemaVersion) of at most 16 digits: 9 bytes each.
  const size = names + strings + 18 + state.size;
  if (size > MAX_ITEM_BYTES) {
    throw new UnsupportedValueError(
      'state',
      `the snapshot of stream "${snapshot.streamId}" is ${size} bytes as a DynamoDB item and the limit is ` +
        `${MAX_ITEM_BYTES}; keep snapshot state small (or snapshot a summary of it)`,
    );
  }
  return { item, size };
}

/**
 * Decodes a snapshot item.
 *
 * @example
 * const snapshot = decodeSnapshotItem(output.Item);
 * @throws CorruptSnapshotError when the item does not have the shape of a snapshot.
 */
export function decodeSnapshotItem(item: SnapshotItem): Snapshot {
  const streamId = item.streamId?.S ?? '(unknown)';
  const version = Number(item.version?.N);
  const schemaVersion = Number(item.schemaVersion?.N);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new CorruptSnapshotError(streamId, `version ${item.version?.N} is not a positive integer`);
  }
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw new CorruptSnapshotError(
      streamId,
      `schema version ${item.schemaVersion?.N} is not a positive integer`,
    );
  }
  if (item.state === undefined || item.takenAt?.S === undefined || item.streamId?.S === undefined) {
    throw new CorruptSnapshotError(streamId, `missing attributes (has: ${Object.keys(item).join(', ')})`);
  }
  let state: unknown;
  try {
    state = decodeValue(item.state);
  } catch (error) {
    throw new CorruptSnapshotError(streamId, 'its state cannot be decoded', { cause: error });
  }
  return { streamId, version, schemaVersion, state, takenAt: item.takenAt.S };
}
