import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BodyAttribute, bodyText, DEFAULT_COMPRESS_ABOVE, encodeBody, toBytes } from '../codec/body.js';
import { isCanonicalUlid, ULID_BYTES, ulidFromBytes, ulidToBytes } from '../codec/event-id.js';
import { MAX_ITEM_BYTES, numberBytes, stringBytes } from '../codec/item-size.js';
import { assertJsonValue } from '../codec/json-value.js';
import { UnsupportedValueError } from '../errors.js';
import { assertEventId, assertIsoTime, assertStreamId, assertVersionNumber } from '../validation.js';
import { CorruptSnapshotError } from './errors.js';
import type { Snapshot } from './types.js';

/**
 * Attribute names of a snapshot item (format 1), one letter each like event items: `s` stream id
 * (partition key: one snapshot per stream), `v` the version of the last event folded in, `n` the
 * state's schema version (both read by the put's condition), `i` that event's id (so a load can
 * tell the snapshot belongs to the stream it reads), and one body `b` / `z`, as for events:
 * `{"d":state,"r":takenAtMs}`, compressed when large.
 */
export const SnapshotAttribute = {
  StreamId: 's',
  Version: 'v',
  SchemaVersion: 'n',
  EventId: 'i',
  Body: BodyAttribute.Text,
  CompressedBody: BodyAttribute.Compressed,
} as const;

export type SnapshotItem = Record<string, AttributeValue>;

/** A snapshot item ready to write, with its size as DynamoDB counts it (an upper bound). */
export interface EncodedSnapshot {
  readonly item: SnapshotItem;
  readonly size: number;
}

/**
 * Encodes a snapshot as a DynamoDB item: the state round-trips exactly or is rejected with its path,
 * it is compressed when large (states often are), and the 400 KB limit is checked on what is sent.
 * Pure: sends nothing.
 *
 * @example
 * const { item, size } = encodeSnapshotItem({ streamId: 'a-1', version: 3, eventId, schemaVersion: 1, state: {}, takenAt });
 * @throws InvalidInputError for a malformed stream id, version, event id, schema version or time.
 * @throws UnsupportedValueError naming the path (e.g. `state.openedAt`) of a value that cannot be stored,
 * or the size of a state that does not fit one item.
 */
export function encodeSnapshotItem(
  snapshot: Snapshot,
  options: { readonly compressAbove?: number | false } = {},
): EncodedSnapshot {
  assertStreamId(snapshot.streamId, 'snapshot.streamId');
  assertVersionNumber(snapshot.version, 'snapshot.version', 1);
  assertEventId(snapshot.eventId, 'snapshot.eventId');
  assertVersionNumber(snapshot.schemaVersion, 'snapshot.schemaVersion', 1);
  assertIsoTime(snapshot.takenAt, 'snapshot.takenAt');
  assertJsonValue(snapshot.state, 'state');
  const text = JSON.stringify({ d: snapshot.state, r: Date.parse(snapshot.takenAt) });
  const eventId: AttributeValue = isCanonicalUlid(snapshot.eventId)
    ? { B: ulidToBytes(snapshot.eventId) }
    : { S: snapshot.eventId };
  const version = String(snapshot.version);
  const schemaVersion = String(snapshot.schemaVersion);
  const keys =
    1 +
    stringBytes(snapshot.streamId) +
    1 +
    numberBytes(version) +
    1 +
    numberBytes(schemaVersion) +
    1 +
    (eventId.B === undefined ? stringBytes(snapshot.eventId) : ULID_BYTES);
  const tooLarge = (size: number) =>
    new UnsupportedValueError(
      'state',
      `the snapshot of stream "${snapshot.streamId}" is ${size} bytes as a DynamoDB item and the limit is ` +
        `${MAX_ITEM_BYTES}; keep snapshot state small (or snapshot a summary of it)`,
    );
  let body: ReturnType<typeof encodeBody>;
  try {
    body = encodeBody(text, keys, options.compressAbove ?? DEFAULT_COMPRESS_ABOVE);
  } catch {
    throw tooLarge(keys + Buffer.byteLength(text, 'utf8'));
  }
  const size = keys + body.size;
  if (size > MAX_ITEM_BYTES) throw tooLarge(size);
  const item: SnapshotItem = {
    s: { S: snapshot.streamId },
    v: { N: version },
    n: { N: schemaVersion },
    i: eventId,
    [body.name]: body.value,
  };
  return { item, size };
}

/**
 * Decodes a snapshot item.
 *
 * @example
 * const snapshot = decodeSnapshotItem(output.Item);
 * @throws CorruptSnapshotError when the item is not a snapshot, or its body cannot be read.
 */
export function decodeSnapshotItem(item: SnapshotItem): Snapshot {
  const streamId = item.s?.S ?? '(unknown)';
  const corrupt = (problem: string, cause?: unknown) =>
    new CorruptSnapshotError(streamId, problem, cause === undefined ? undefined : { cause });
  const version = Number(item.v?.N);
  const schemaVersion = Number(item.n?.N);
  if (!Number.isSafeInteger(version) || version < 1)
    throw corrupt(`version ${item.v?.N} is not a positive integer`);
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw corrupt(`schema version ${item.n?.N} is not a positive integer`);
  }
  const eventId = eventIdOf(item.i);
  if (item.s?.S === undefined || eventId === undefined) {
    throw corrupt(`missing attributes (has: ${Object.keys(item).join(', ')})`);
  }
  let body: { d?: unknown; r?: unknown };
  try {
    const text = bodyText(item);
    if (text === undefined) throw new Error('it has no body');
    body = JSON.parse(text) as typeof body;
  } catch (error) {
    throw corrupt(`its state cannot be read: ${(error as Error).message}`, error);
  }
  const takenAt = typeof body?.r === 'number' ? new Date(body.r) : undefined;
  if (
    typeof body !== 'object' ||
    body === null ||
    !Object.hasOwn(body, 'd') ||
    !takenAt ||
    Number.isNaN(takenAt.getTime())
  ) {
    throw corrupt('its body is not a snapshot body { d, r }');
  }
  return { streamId, version, eventId, schemaVersion, state: body.d, takenAt: takenAt.toISOString() };
}

function eventIdOf(value: AttributeValue | undefined): string | undefined {
  if (value?.S !== undefined) return value.S.length > 0 ? value.S : undefined;
  if (value?.B === undefined) return undefined;
  try {
    const bytes = toBytes(value.B);
    return bytes.byteLength === ULID_BYTES ? ulidFromBytes(bytes) : undefined;
  } catch {
    return undefined;
  }
}
