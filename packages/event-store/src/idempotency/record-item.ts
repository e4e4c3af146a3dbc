import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MAX_ITEM_BYTES, numberBytes, stringBytes } from '../codec/item-size.js';
import { InvalidInputError } from '../errors.js';
import { describeValue } from '../validation.js';
import { CorruptIdempotencyRecordError } from './errors.js';
import type { IdempotencyKey, IdempotencyRecord, IdempotentStream } from './types.js';

/**
 * Attribute names of an idempotency record (format 1), one letter each like event items: `k` the
 * key (partition key), `b` the body as JSON text (`{"c":command,"f":fingerprint,"s":[[streamId,
 * version,events],...],"r":recordedAtMs,"w":writeId}`), and `x` the expiry in epoch seconds (the
 * attribute DynamoDB TTL can be enabled on), only when records expire.
 *
 * @example
 * new dynamodb.Table(this, 'Keys', { partitionKey: { name: IdempotencyAttribute.Key, type: AttributeType.STRING } });
 */
export const IdempotencyAttribute = { Key: 'k', Body: 'b', ExpiresAt: 'x' } as const;

export type IdempotencyItem = Record<string, AttributeValue>;

/**
 * The longest idempotency key, in characters (a partition key may hold 2,048 bytes).
 *
 * @example
 * if (requestId.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new Error('request id too long');
 */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 512;
const MAX_COMMAND_LENGTH = 256;
const MAX_FINGERPRINT_LENGTH = 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Checks what a keyed append is given: a key of 1-512 characters and a command name of 1-256,
 * both without control characters, and a fingerprint string of at most 1,024 characters.
 *
 * @example
 * assertIdempotencyKey({ key: 'req-1', command: 'Deposit', fingerprint: 'abc' }, 'options.idempotency');
 * @throws InvalidInputError naming the field.
 */
export function assertIdempotencyKey(value: unknown, path: string): asserts value is IdempotencyKey {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidInputError(path, `expected { key, command, fingerprint }, got ${describeValue(value)}`);
  }
  const { key, command, fingerprint } = value as Record<string, unknown>;
  assertText(key, `${path}.key`, MAX_IDEMPOTENCY_KEY_LENGTH);
  assertText(command, `${path}.command`, MAX_COMMAND_LENGTH);
  if (typeof fingerprint !== 'string' || fingerprint.length > MAX_FINGERPRINT_LENGTH) {
    throw new InvalidInputError(
      `${path}.fingerprint`,
      `expected a string of at most ${MAX_FINGERPRINT_LENGTH} characters, got ${describeValue(fingerprint)}`,
    );
  }
}

function assertText(value: unknown, path: string, max: number): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new InvalidInputError(
      path,
      `expected a string of 1-${max} characters, got ${describeValue(value)}`,
    );
  }
  if (!value.isWellFormed() || CONTROL_CHARACTERS.test(value)) {
    throw new InvalidInputError(path, 'must be well-formed text without control characters');
  }
}

/**
 * Encodes a record as an item, with its size as DynamoDB counts it (an upper bound). Pure.
 *
 * @example
 * const { item, size } = encodeIdempotencyItem(record);
 */
export function encodeIdempotencyItem(record: IdempotencyRecord): { item: IdempotencyItem; size: number } {
  const body = JSON.stringify({
    c: record.command,
    f: record.fingerprint,
    s: record.streams.map((stream) => [stream.streamId, stream.version, stream.events]),
    r: Date.parse(record.recordedAt),
    w: record.writeId,
  });
  const item: IdempotencyItem = { k: { S: record.key }, b: { S: body } };
  let size = 1 + stringBytes(record.key) + 1 + stringBytes(body);
  if (record.expiresAt !== undefined) {
    const seconds = String(Math.ceil(Date.parse(record.expiresAt) / 1000));
    item.x = { N: seconds };
    size += 1 + numberBytes(seconds);
  }
  if (size > MAX_ITEM_BYTES) {
    // Only thousands of long stream ids get here; a transaction holds at most 100 items anyway.
    throw new InvalidInputError('appends', `the idempotency record would be ${size} bytes, over one item`);
  }
  return { item, size };
}

/**
 * Decodes a record item.
 *
 * @example
 * const record = decodeIdempotencyItem(output.Item);
 * @throws CorruptIdempotencyRecordError when the item is not a record of this format.
 */
export function decodeIdempotencyItem(item: IdempotencyItem): IdempotencyRecord {
  const key = item.k?.S;
  const corrupt = (problem: string, cause?: unknown) =>
    new CorruptIdempotencyRecordError(key ?? '(unknown)', problem, cause);
  if (key === undefined || item.b?.S === undefined) {
    throw corrupt(`missing attributes (has: ${Object.keys(item).join(', ')})`);
  }
  let body: { c?: unknown; f?: unknown; s?: unknown; r?: unknown; w?: unknown };
  try {
    body = JSON.parse(item.b.S) as typeof body;
  } catch (error) {
    throw corrupt('its body is not JSON', error);
  }
  const streams = Array.isArray(body?.s) ? body.s.map(streamOf) : undefined;
  const recordedAt = typeof body?.r === 'number' ? new Date(body.r) : undefined;
  if (
    typeof body?.c !== 'string' ||
    typeof body.f !== 'string' ||
    typeof body.w !== 'string' ||
    streams === undefined ||
    streams.includes(undefined) ||
    recordedAt === undefined ||
    Number.isNaN(recordedAt.getTime())
  ) {
    throw corrupt('its body is not { c, f, s, r, w }');
  }
  const expires = item.x?.N === undefined ? undefined : Number(item.x.N);
  return {
    key,
    command: body.c,
    fingerprint: body.f,
    streams: streams as IdempotentStream[],
    recordedAt: recordedAt.toISOString(),
    writeId: body.w,
    ...(expires !== undefined && Number.isFinite(expires)
      ? { expiresAt: new Date(expires * 1000).toISOString() }
      : {}),
  };
}

function streamOf(entry: unknown): IdempotentStream | undefined {
  if (!Array.isArray(entry) || entry.length !== 3) return undefined;
  const [streamId, version, events] = entry as unknown[];
  const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (typeof streamId !== 'string' || !count(version) || !count(events)) return undefined;
  return { streamId, version: version as number, events: events as number };
}
