import { type EncodedEvent, type EncodeEventOptions, encodeEventItem } from '../codec/event-item.js';
import { InvalidInputError, TransactionTooLargeError } from '../errors.js';
import type { ExpectedVersion, NewEvent, StoredEvent } from '../types.js';
import { assertEventId } from '../validation.js';

/** DynamoDB transaction limits: 100 actions and 4 MB of items. */
export const MAX_TRANSACTION_ITEMS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/** A stream's events encoded and size-checked once, before their versions are known. */
export interface PreparedStream {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: StoredEvent[];
  readonly encoded: EncodedEvent[];
  /** The event ids of this append: an item holding one of them proves the append landed. */
  readonly ids: ReadonlySet<string>;
}

/** One stream's part of an append, after its base version is known. */
export interface PlannedStream extends PreparedStream {
  /** The version the stream is at before the append. */
  readonly base: number;
  /** Version that must be proven to exist inside the transaction (no gap), if any. */
  readonly proveVersion?: number;
}

export interface PrepareContext extends EncodeEventOptions {
  /** A new event id for an event appended at `time` (epoch milliseconds). */
  readonly newEventId: (time: number) => string;
  readonly schemaVersionOf: (type: string) => number;
  readonly recordedAt: Date;
}

/**
 * Assigns event ids, encodes and size-checks a stream's events, all before any request: bad
 * input fails without sending anything. Versions are placeholders until {@link placeStream}.
 */
export function prepareStream(
  request: { streamId: string; expectedVersion: ExpectedVersion; events: readonly NewEvent[] },
  context: PrepareContext,
): PreparedStream {
  const recordedAt = context.recordedAt.toISOString();
  const time = context.recordedAt.getTime();
  const events = request.events.map(
    (event) =>
      ({
        streamId: request.streamId,
        // The largest version bounds the item size: placing it later never grows the item.
        version: Number.MAX_SAFE_INTEGER,
        eventId: event.eventId ?? generatedId(context.newEventId(time)),
        type: event.type,
        data: event.data,
        metadata: event.metadata ?? {},
        recordedAt,
        schemaVersion: context.schemaVersionOf(event.type),
      }) as StoredEvent,
  );
  const ids = new Set(events.map((event) => event.eventId));
  if (ids.size !== events.length) {
    throw new InvalidInputError(
      'newEventId',
      'returned an id twice, or an id given to another event of the append',
    );
  }
  return {
    streamId: request.streamId,
    expectedVersion: request.expectedVersion,
    events,
    encoded: events.map((event) => encodeEventItem(event, context)),
    ids,
  };
}

function generatedId(id: unknown): string {
  assertEventId(id, 'newEventId()');
  return id;
}

/** Gives prepared events their versions after `base` (cheap: only the version attribute changes). */
export function placeStream(prepared: PreparedStream, base: number, needsProof: boolean): PlannedStream {
  return {
    ...prepared,
    base,
    events: prepared.events.map((event, index) => ({ ...event, version: base + index + 1 }) as StoredEvent),
    encoded: prepared.encoded.map((encoded, index) => ({
      size: encoded.size,
      item: { ...encoded.item, v: { N: String(base + index + 1) } },
    })),
    ...(needsProof ? { proveVersion: base } : {}),
  };
}

/**
 * Throws when the streams cannot be written in one transaction: over 100 actions (events plus
 * `extra.items` version checks and idempotency record) or over 4 MB of items, counted on the bytes
 * actually sent (`extra.bytes`: the idempotency record's).
 */
export function assertFitsOneTransaction(
  streams: readonly PreparedStream[],
  extra: { readonly items: number; readonly bytes: number },
): void {
  let items = extra.items;
  let bytes = extra.bytes;
  for (const stream of streams) {
    items += stream.encoded.length;
    bytes += stream.encoded.reduce((sum, event) => sum + event.size, 0);
  }
  if (items > MAX_TRANSACTION_ITEMS) {
    throw new TransactionTooLargeError({
      items,
      sizeBytes: bytes,
      reason: `it needs ${items} items (events, version checks and idempotency record) and DynamoDB allows ${MAX_TRANSACTION_ITEMS}`,
    });
  }
  if (bytes > MAX_TRANSACTION_BYTES) {
    throw new TransactionTooLargeError({
      items,
      sizeBytes: bytes,
      reason: `its items total ${bytes} bytes and DynamoDB allows ${MAX_TRANSACTION_BYTES}`,
    });
  }
}
