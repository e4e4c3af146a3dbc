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

/** The fields of an event that its body holds. */
export type EventBodyFields = Pick<StoredEvent, 'data' | 'metadata' | 'recordedAt' | 'schemaVersion'>;

/**
 * The decoded body of an event, or a {@link CorruptEventError} (made by `corrupt`) for the problem
 * found. On the hot path of every read: no allocation beyond the parsed JSON and the result.
 */
export function decodeEventBody(
  text: string,
  eventId: string,
  corrupt: (problem: string) => Error,
): EventBodyFields {
  let body: EventBody;
  try {
    body = JSON.parse(text) as EventBody;
  } catch {
    throw corrupt('its body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, 'd')) {
    throw corrupt('its body is not an event body { d, m?, r?, s? }');
  }
  for (const key in body) {
    if (key !== 'd' && key !== 'm' && key !== 'r' && key !== 's') {
      throw corrupt(`its body has an unknown field "${key}" (written by a newer dynamo-es?)`);
    }
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
  return { data: d, metadata: m, recordedAt: isoTime(time, corrupt), schemaVersion: s };
}

// Events of one append share their millisecond, and a page holds runs of them: remembering the
// last conversion saves a Date and its formatting per event.
let lastTime = Number.NaN;
let lastIso = '';

function isoTime(time: unknown, corrupt: (problem: string) => Error): string {
  if (time === lastTime) return lastIso;
  const date = new Date(time as number);
  if (!Number.isSafeInteger(time) || Number.isNaN(date.getTime())) {
    throw corrupt(`its time ${String(time)} is not a valid timestamp`);
  }
  lastTime = time as number;
  lastIso = date.toISOString();
  return lastIso;
}
