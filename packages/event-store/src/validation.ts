import { InvalidInputError } from './errors.js';
import type { EventMetadata, ExpectedVersion, NewEvent, ReadOptions } from './types.js';

/** Stream ids are partition keys (2,048 bytes at most in DynamoDB); we keep a margin. */
export const MAX_STREAM_ID_BYTES = 1024;
export const MAX_EVENT_TYPE_LENGTH = 256;
export const MAX_EVENT_ID_LENGTH = 128;

// Control characters make ids unreadable in logs and consoles and are never intended.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Checks a stream id: a non-empty, well-formed string of at most 1,024 UTF-8 bytes, no control characters. */
export function assertStreamId(streamId: unknown, path = 'streamId'): asserts streamId is string {
  assertIdentifier(streamId, path, MAX_STREAM_ID_BYTES, 'a stream id such as "account-42"');
  if (Buffer.byteLength(streamId, 'utf8') > MAX_STREAM_ID_BYTES) {
    throw new InvalidInputError(path, `must be at most ${MAX_STREAM_ID_BYTES} UTF-8 bytes`);
  }
}

function assertIdentifier(
  value: unknown,
  path: string,
  maxLength: number,
  example: string,
): asserts value is string {
  if (typeof value !== 'string') {
    throw new InvalidInputError(path, `expected ${example}, got ${describeValue(value)}`);
  }
  if (value.length === 0) throw new InvalidInputError(path, `must not be empty; use ${example}`);
  if (value.length > maxLength) throw new InvalidInputError(path, `must be at most ${maxLength} characters`);
  if (!value.isWellFormed()) throw new InvalidInputError(path, 'has an unpaired surrogate (not valid UTF-8)');
  if (CONTROL_CHARACTERS.test(value))
    throw new InvalidInputError(path, 'must not contain control characters');
}

/** Checks an expected version: a non-negative safe integer, `'no-stream'`, `'exists'` or `'any'`. */
export function assertExpectedVersion(
  value: unknown,
  path = 'expectedVersion',
): asserts value is ExpectedVersion {
  if (typeof value === 'number') {
    assertVersionNumber(value, path, 0);
    return;
  }
  if (value === 'no-stream' || value === 'exists' || value === 'any') return;
  throw new InvalidInputError(
    path,
    `expected a version number (0 or more), 'no-stream', 'exists' or 'any', got ${describeValue(value)}`,
  );
}

/** Checks a version bound: a safe integer of at least `min`. */
export function assertVersionNumber(value: unknown, path: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidInputError(path, `expected an integer of at least ${min}, got ${describeValue(value)}`);
  }
}

/** Checks the events of one append: a non-empty array of `{ type, data, metadata?, eventId? }`. */
export function assertNewEvents(events: unknown, path = 'events'): asserts events is readonly NewEvent[] {
  if (!Array.isArray(events))
    throw new InvalidInputError(path, `expected an array of events, got ${describeValue(events)}`);
  if (events.length === 0) throw new InvalidInputError(path, 'must hold at least one event');
  const ids = new Set<string>();
  events.forEach((event: unknown, index) => {
    const at = `${path}[${index}]`;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new InvalidInputError(at, `expected an event object { type, data }, got ${describeValue(event)}`);
    }
    const { type, data, metadata, eventId } = event as Record<string, unknown>;
    assertEventType(type, `${at}.type`);
    if (data === undefined)
      throw new InvalidInputError(`${at}.data`, 'is required; use null for an event without data');
    if (metadata !== undefined) assertMetadata(metadata, `${at}.metadata`);
    if (eventId !== undefined) {
      assertEventId(eventId, `${at}.eventId`);
      if (ids.has(eventId))
        throw new InvalidInputError(`${at}.eventId`, `"${eventId}" appears twice in one append`);
      ids.add(eventId);
    }
  });
}

/** Checks an event type: a non-empty string of at most 256 characters, no control characters. */
export function assertEventType(type: unknown, path: string): asserts type is string {
  assertIdentifier(type, path, MAX_EVENT_TYPE_LENGTH, 'an event type such as "MoneyDeposited"');
}

/** Checks an ISO-8601 time exactly as `Date.prototype.toISOString` writes it (so it round-trips). */
export function assertIsoTime(time: unknown, path: string): asserts time is string {
  const parsed = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  if (!Number.isFinite(parsed) || new Date(parsed).toISOString() !== time) {
    throw new InvalidInputError(
      path,
      `expected an ISO-8601 time as Date.prototype.toISOString writes it, got ${describeValue(time)}`,
    );
  }
}

/** Checks an event id: a non-empty string of at most 128 characters, no control characters. */
export function assertEventId(eventId: unknown, path: string): asserts eventId is string {
  assertIdentifier(eventId, path, MAX_EVENT_ID_LENGTH, 'a unique id such as a ULID');
}

/**
 * Checks metadata: a plain object (not a `Date`, `Map` or class instance, which would not be
 * stored as they are) whose `correlationId` and `causationId`, when present, are strings. The
 * codec checks every value inside it.
 */
export function assertMetadata(metadata: unknown, path: string): asserts metadata is EventMetadata {
  const proto =
    typeof metadata === 'object' && metadata !== null ? Object.getPrototypeOf(metadata) : undefined;
  if (Array.isArray(metadata) || (proto !== Object.prototype && proto !== null)) {
    throw new InvalidInputError(
      path,
      `expected a plain object such as { correlationId }, got ${describeValue(metadata)}`,
    );
  }
  for (const name of ['correlationId', 'causationId'] as const) {
    const value = (metadata as EventMetadata)[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidInputError(`${path}.${name}`, `expected a string, got ${describeValue(value)}`);
    }
  }
}

/** Checks read options; returns them normalised. */
export function assertReadOptions(options: unknown): ReadOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError('options', `expected an options object, got ${describeValue(options)}`);
  }
  const { fromVersion, toVersion, direction, limit, consistentRead } = options as ReadOptions;
  if (fromVersion !== undefined) assertVersionNumber(fromVersion, 'options.fromVersion', 1);
  if (toVersion !== undefined) assertVersionNumber(toVersion, 'options.toVersion', 1);
  if (limit !== undefined) assertVersionNumber(limit, 'options.limit', 1);
  if (direction !== undefined && direction !== 'forward' && direction !== 'backward') {
    throw new InvalidInputError(
      'options.direction',
      `expected 'forward' or 'backward', got ${describeValue(direction)}`,
    );
  }
  if (consistentRead !== undefined && typeof consistentRead !== 'boolean') {
    throw new InvalidInputError(
      'options.consistentRead',
      `expected a boolean, got ${describeValue(consistentRead)}`,
    );
  }
  return options as ReadOptions;
}

/** DynamoDB table names: 3 to 255 letters, digits, `_`, `-` and `.`. */
export const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Checks the options every table-bound class takes: a DynamoDB client and a valid table name
 * (3 to 255 characters of letters, digits, `_`, `-` and `.`).
 */
export function assertClientAndTable(options: unknown): void {
  const { client, tableName } = (options ?? {}) as { client?: { send?: unknown }; tableName?: unknown };
  if (typeof tableName !== 'string' || !TABLE_NAME_PATTERN.test(tableName)) {
    throw new InvalidInputError(
      'tableName',
      `expected a DynamoDB table name (3-255 letters, digits, '_', '-', '.'), got ${describeValue(tableName)}`,
    );
  }
  if (typeof client?.send !== 'function') {
    throw new InvalidInputError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
  }
}

/** A short, safe description of a value for error messages (never the whole value). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value !== 'object') return typeof value;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor
    ?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}
