import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CorruptEventError, EventTooLargeError } from '../errors.js';
import type { StoredEvent } from '../types.js';
import { assertEventId, assertEventType, assertStreamId, assertVersionNumber } from '../validation.js';
import { BodyAttribute, bodyText, DEFAULT_COMPRESS_ABOVE, encodeBody, hasBody, toBytes } from './body.js';
import { decodeEventBody, encodeEventBody } from './event-body.js';
import { isCanonicalUlid, ULID_BYTES, ulidFromBytes, ulidToBytes } from './event-id.js';
import { MAX_ITEM_BYTES, numberBytes, stringBytes } from './item-size.js';

/**
 * Attribute names of an event item (format 1). Names are billed on every item, so they are one
 * letter: `s` stream id (partition key), `v` version (sort key), `t` type (for conditions and
 * Lambda filters), `i` event id (16 bytes for a canonical ULID, else a string), and one body:
 * `b` (JSON text) or `z` (compressed JSON text).
 */
export const EventAttribute = {
  StreamId: 's',
  Version: 'v',
  Type: 't',
  EventId: 'i',
  Body: BodyAttribute.Text,
  CompressedBody: BodyAttribute.Compressed,
} as const;

export type EventItem = Record<string, AttributeValue>;

/** An event item ready to write, with its size as DynamoDB counts it (an upper bound). */
export interface EncodedEvent {
  readonly item: EventItem;
  readonly size: number;
}

/** Options of {@link encodeEventItem}. */
export interface EncodeEventOptions {
  /** Compress the body when the item would exceed this many bytes; `false`: never (default 1,024). */
  readonly compressAbove?: number | false;
}

/** The largest version (a safe integer) costs 9 bytes: an upper bound before versions are placed. */
const MAX_VERSION_BYTES = numberBytes(String(Number.MAX_SAFE_INTEGER));

/**
 * Encodes a stored event as a DynamoDB item: every value checked (round-trips exactly or throws
 * {@link UnsupportedValueError} with its path), the body compressed when large, and the 400 KB
 * limit checked on the bytes actually sent. Pure: sends nothing.
 *
 * @example
 * const { item, size } = encodeEventItem(event); // item.b.S === '{"d":{"amount":5}}'
 * @throws EventTooLargeError when the item, compressed, is over 400 KB.
 */
export function encodeEventItem(event: StoredEvent, options: EncodeEventOptions = {}): EncodedEvent {
  assertHeader(event);
  const text = encodeEventBody(event);
  const eventId: AttributeValue = isCanonicalUlid(event.eventId)
    ? { B: ulidToBytes(event.eventId) }
    : { S: event.eventId };
  const keys =
    1 +
    stringBytes(event.streamId) +
    1 +
    MAX_VERSION_BYTES +
    1 +
    stringBytes(event.type) +
    1 +
    idBytes(eventId);
  const tooLarge = (sizeBytes: number) =>
    new EventTooLargeError({
      streamId: event.streamId,
      eventType: event.type,
      sizeBytes,
      limitBytes: MAX_ITEM_BYTES,
    });
  let body: ReturnType<typeof encodeBody>;
  try {
    body = encodeBody(text, keys, options.compressAbove ?? DEFAULT_COMPRESS_ABOVE);
  } catch {
    throw tooLarge(keys + Buffer.byteLength(text, 'utf8'));
  }
  const size = keys + body.size;
  if (size > MAX_ITEM_BYTES) throw tooLarge(size);
  const item: EventItem = {
    s: { S: event.streamId },
    v: { N: String(event.version) },
    t: { S: event.type },
    i: eventId,
    [body.name]: body.value,
  };
  return { item, size };
}

/** What the header must be for {@link decodeEventItem} to read the item back: checked here, not found there. */
function assertHeader(event: StoredEvent): void {
  assertStreamId(event.streamId, 'streamId');
  assertVersionNumber(event.version, 'version', 1);
  assertEventType(event.type, 'type');
  assertEventId(event.eventId, 'eventId');
  assertVersionNumber(event.schemaVersion, 'schemaVersion', 1);
}

const idBytes = (id: AttributeValue): number => (id.B === undefined ? stringBytes(id.S ?? '') : ULID_BYTES);

/** What every event item shows without decoding its body: enough to route or skip it. */
export interface EventHeader {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly eventId: string;
}

/**
 * The header of an event item (or stream image), or `undefined` when the item is not an event of a
 * format this version reads: other item types in a shared table or stream are skipped by it.
 * The body is only checked for presence; {@link decodeEventItem} decodes it.
 *
 * @example
 * const header = readEventHeader(record.dynamodb.NewImage);
 * if (header && projection.handles(header.type)) apply(decodeEventItem(record.dynamodb.NewImage));
 */
export function readEventHeader(item: Record<string, unknown> | undefined): EventHeader | undefined {
  if (typeof item !== 'object' || item === null || !hasBody(item)) return undefined;
  const streamId = stringOf(item.s);
  const version = Number((item.v as { N?: unknown } | undefined)?.N);
  const type = stringOf(item.t);
  const eventId = eventIdOf(item.i);
  if (!streamId || !type || !eventId || !Number.isSafeInteger(version) || version < 1) return undefined;
  return { streamId, version, type, eventId };
}

/**
 * True when a DynamoDB item (or stream image) is an event item, by its header.
 *
 * @example
 * const events = output.Items.filter(isEventItem).map(decodeEventItem);
 */
export const isEventItem = (item: Record<string, unknown> | undefined): boolean =>
  readEventHeader(item) !== undefined;

/**
 * Decodes an event item as stored, before upcasting: from the SDK (bytes) or a Lambda stream
 * image (base64).
 *
 * @example
 * const event = decodeEventItem(output.Items[0]);
 * @throws CorruptEventError when the item is not an event, or its body cannot be read.
 */
export function decodeEventItem(item: EventItem): StoredEvent {
  const header = readEventHeader(item);
  if (!header) {
    const names = typeof item === 'object' && item !== null ? Object.keys(item).join(', ') : String(item);
    throw new CorruptEventError(`the item has no event header (attributes: ${names})`);
  }
  let text = item.b?.S;
  if (text === undefined) {
    try {
      text = bodyText(item) as string;
    } catch (error) {
      throw corrupt(header, `its body cannot be read: ${(error as Error).message}`, error);
    }
  }
  const body = decodeEventBody(text, header.eventId, (problem) => corrupt(header, problem));
  // A literal, not a spread of header and body: this runs for every event read.
  return {
    streamId: header.streamId,
    version: header.version,
    eventId: header.eventId,
    type: header.type,
    data: body.data,
    metadata: body.metadata,
    recordedAt: body.recordedAt,
    schemaVersion: body.schemaVersion,
  } as StoredEvent;
}

function corrupt(header: EventHeader, problem: string, cause?: unknown): CorruptEventError {
  return new CorruptEventError(
    `version ${header.version} of stream "${header.streamId}": ${problem}`,
    cause === undefined ? undefined : { cause },
  );
}

function stringOf(value: unknown): string | undefined {
  const text = (value as { S?: unknown } | undefined)?.S;
  return typeof text === 'string' && text.length > 0 ? text : undefined;
}

function eventIdOf(value: unknown): string | undefined {
  const binary = (value as { B?: unknown } | undefined)?.B;
  if (binary === undefined) return stringOf(value);
  try {
    const bytes = toBytes(binary);
    return bytes.byteLength === ULID_BYTES ? ulidFromBytes(bytes) : undefined;
  } catch {
    return undefined;
  }
}
