import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CorruptEventError, EventTooLargeError } from '../errors.js';
import type { EventMetadata, StoredEvent } from '../types.js';
import { decodeValue, encodeValue } from './value-codec.js';

/** Attribute names of an event item. `streamId` is the partition key, `version` the sort key. */
export const EventAttribute = {
  StreamId: 'streamId',
  Version: 'version',
  EventId: 'eventId',
  Type: 'type',
  Data: 'data',
  Metadata: 'metadata',
  RecordedAt: 'recordedAt',
  SchemaVersion: 'schemaVersion',
} as const;

/** DynamoDB's item size limit: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;

export type EventItem = Record<string, AttributeValue>;

/** An event item ready to write, with its size as DynamoDB counts it (an upper bound). */
export interface EncodedEvent {
  readonly item: EventItem;
  readonly size: number;
}

/**
 * Encodes a stored event as a DynamoDB item, validating every value and the 400 KB item limit.
 * Pure: sends nothing. Exported so infrastructure and tests can build items the store would write.
 */
export function encodeEventItem(event: StoredEvent): EncodedEvent {
  const data = encodeValue(event.data, 'data');
  const metadata = encodeValue(event.metadata, 'metadata');
  const item: EventItem = {
    streamId: { S: event.streamId },
    version: { N: String(event.version) },
    eventId: { S: event.eventId },
    type: { S: event.type },
    data: data.value,
    metadata: metadata.value,
    recordedAt: { S: event.recordedAt },
    schemaVersion: { N: String(event.schemaVersion) },
  };
  const size = itemOverhead(event) + data.size + metadata.size;
  if (size > MAX_ITEM_BYTES) {
    throw new EventTooLargeError({
      streamId: event.streamId,
      eventType: event.type,
      sizeBytes: size,
      limitBytes: MAX_ITEM_BYTES,
    });
  }
  return { item, size };
}

function itemOverhead(event: StoredEvent): number {
  const names = Object.values(EventAttribute).reduce((sum, name) => sum + name.length, 0);
  const strings = [event.streamId, event.eventId, event.type, event.recordedAt];
  // Two numbers (version, schemaVersion) of at most 16 digits: 9 bytes each.
  return names + strings.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0) + 18;
}

/**
 * True when a DynamoDB item (or stream image) has the shape of an event item. Projections use it
 * to skip other item types that share a table or stream.
 */
export function isEventItem(item: Record<string, unknown> | undefined): boolean {
  if (!item) return false;
  const has = (name: string, kind: 'S' | 'N') =>
    typeof (item[name] as Record<string, unknown> | undefined)?.[kind] === 'string';
  return (
    has(EventAttribute.StreamId, 'S') &&
    has(EventAttribute.Version, 'N') &&
    has(EventAttribute.EventId, 'S') &&
    has(EventAttribute.Type, 'S') &&
    has(EventAttribute.RecordedAt, 'S') &&
    EventAttribute.Data in item
  );
}

/**
 * Decodes an event item as stored, before upcasting. Throws {@link CorruptEventError} when the
 * item is not an event.
 */
export function decodeEventItem(item: EventItem): StoredEvent {
  if (!isEventItem(item)) {
    throw new CorruptEventError(`item has no event shape (attributes: ${Object.keys(item).join(', ')})`);
  }
  const version = Number(item.version?.N);
  const schemaVersion = item.schemaVersion?.N === undefined ? 1 : Number(item.schemaVersion.N);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new CorruptEventError(`version ${item.version?.N} is not a positive integer`);
  }
  const metadata = item.metadata === undefined ? {} : decodeValue(item.metadata);
  return {
    streamId: item.streamId?.S as string,
    version,
    eventId: item.eventId?.S as string,
    type: item.type?.S as string,
    data: decodeValue(item.data as AttributeValue),
    metadata: (isRecord(metadata) ? metadata : {}) as EventMetadata,
    recordedAt: item.recordedAt?.S as string,
    schemaVersion: Number.isSafeInteger(schemaVersion) && schemaVersion > 0 ? schemaVersion : 1,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
