import { UnsupportedValueError } from '../errors.js';
import type { EventMetadata, StoredEvent } from '../types.js';
import { assertIsoTime } from '../validation.js';
import { isCanonicalUlid, ulidTime } from './event-id.js';
import { assertJsonValue } from './json-value.js';
import { plainKind } from './plain-data.js';

/**
 * The body of an event item (format 1): one JSON object with one-letter keys, each left out when
 * it holds its default, so a small event costs a few bytes more than its data:
 * - `d`: the data (always present);
 * - `m`: the metadata (left out when empty);
 * - `r`: `recordedAt` in epoch milliseconds (left out when the event id is a ULID of that very
 *   millisecond, which the store's own ids are);
 * - `s`: the schema version (left out when 1).
 */
interface EventBody {
  readonly d: unknown;
  readonly m?: EventMetadata;
  readonly r?: number;
  readonly s?: number;
}

const BODY_KEYS = new Set(['d', 'm', 'r', 's']);

/** The JSON text of an event's body, after checking that everything in it round-trips exactly. */
export function encodeEventBody(event: StoredEvent): string {
  assertJsonValue(event.data, 'data');
  const metadata = event.metadata === undefined ? {} : event.metadata;
  if (plainKind(metadata, 'metadata', false) !== 'object') {
    throw new UnsupportedValueError('metadata', 'expected a plain object such as { correlationId }');
  }
  assertJsonValue(metadata, 'metadata');
  assertIsoTime(event.recordedAt, 'recordedAt');
  const recordedAt = Date.parse(event.recordedAt);
  const body: { -readonly [K in keyof EventBody]: EventBody[K] } = { d: event.data };
  if (Object.keys(metadata).some((key) => metadata[key] !== undefined)) body.m = metadata;
  if (!isCanonicalUlid(event.eventId) || ulidTime(event.eventId) !== recordedAt) body.r = recordedAt;
  if (event.schemaVersion !== 1) body.s = event.schemaVersion;
  return JSON.stringify(body);
}

/** The decoded body of an event, or the error `corrupt` makes of the problem found. */
export function decodeEventBody(
  text: string,
  eventId: string,
  corrupt: (problem: string) => Error,
): Pick<StoredEvent, 'data' | 'metadata' | 'recordedAt' | 'schemaVersion'> {
  let body: EventBody;
  try {
    body = JSON.parse(text) as EventBody;
  } catch {
    throw corrupt('its body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, 'd')) {
    throw corrupt('its body is not an event body { d, m?, r?, s? }');
  }
  for (const key of Object.keys(body)) {
    if (!BODY_KEYS.has(key))
      throw corrupt(`its body has an unknown field "${key}" (written by a newer dynamo-es?)`);
  }
  const { d, m = {}, r, s = 1 } = body;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw corrupt('its metadata is not an object');
  if (!Number.isSafeInteger(s) || s < 1)
    throw corrupt(`its schema version ${String(s)} is not a positive integer`);
  let time = r;
  if (time === undefined) {
    if (!isCanonicalUlid(eventId)) throw corrupt('it has no time and its event id is not a ULID');
    time = ulidTime(eventId);
  }
  const recordedAt = new Date(time);
  if (!Number.isSafeInteger(time) || Number.isNaN(recordedAt.getTime())) {
    throw corrupt(`its time ${String(time)} is not a valid timestamp`);
  }
  return { data: d, metadata: m, recordedAt: recordedAt.toISOString(), schemaVersion: s };
}
