import { type EncodedEvent, encodeEventItem } from '../codec/event-item.js';
import { TransactionTooLargeError } from '../errors.js';
import type { ExpectedVersion, NewEvent, StoredEvent } from '../types.js';

/** DynamoDB transaction limits: 100 actions and 4 MB of items. */
export const MAX_TRANSACTION_ITEMS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/** One stream's part of an append, after its base version is known. */
export interface PlannedStream {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  /** The version the stream is at before the append. */
  readonly base: number;
  readonly events: StoredEvent[];
  readonly encoded: EncodedEvent[];
  /** Version that must be proven to exist inside the transaction (no gap), if any. */
  readonly proveVersion?: number;
}

/** A stream's events encoded and size-checked once, before their versions are known. */
export interface PreparedStream {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: StoredEvent[];
  readonly encoded: EncodedEvent[];
}

export interface PrepareContext {
  readonly newEventId: () => string;
  readonly schemaVersionOf: (type: string) => number;
  readonly recordedAt: string;
}

/**
 * Assigns event ids, encodes and size-checks a stream's events, all before any request: bad
 * input fails without sending anything. Versions are placeholders until {@link placeStream}.
 */
export function prepareStream(
  request: { streamId: string; expectedVersion: ExpectedVersion; events: readonly NewEvent[] },
  context: PrepareContext,
): PreparedStream {
  const events = request.events.map(
    (event) =>
      ({
        streamId: request.streamId,
        // The largest version bounds the item size: placing it later never grows the item.
        version: Number.MAX_SAFE_INTEGER,
        eventId: event.eventId ?? context.newEventId(),
        type: event.type,
        data: event.data,
        metadata: { ...(event.metadata ?? {}) },
        recordedAt: context.recordedAt,
        schemaVersion: context.schemaVersionOf(event.type),
      }) as StoredEvent,
  );
  return {
    streamId: request.streamId,
    expectedVersion: request.expectedVersion,
    events,
    encoded: events.map(encodeEventItem),
  };
}

/** Gives prepared events their versions after `base` (cheap: only the version attribute changes). */
export function placeStream(prepared: PreparedStream, base: number, needsProof: boolean): PlannedStream {
  return {
    streamId: prepared.streamId,
    expectedVersion: prepared.expectedVersion,
    base,
    events: prepared.events.map((event, index) => ({ ...event, version: base + index + 1 }) as StoredEvent),
    encoded: prepared.encoded.map((encoded, index) => ({
      size: encoded.size,
      item: { ...encoded.item, version: { N: String(base + index + 1) } },
    })),
    ...(needsProof ? { proveVersion: base } : {}),
  };
}

/** Throws when the planned streams cannot be written in one transaction. */
export function assertFitsOneTransaction(
  streams: readonly (PreparedStream & { proveVersion?: number })[],
  proofs = streams.filter((stream) => stream.proveVersion !== undefined).length,
): void {
  let items = proofs;
  let bytes = 0;
  for (const stream of streams) {
    items += stream.encoded.length;
    bytes += stream.encoded.reduce((sum, event) => sum + event.size, 0);
  }
  if (items > MAX_TRANSACTION_ITEMS) {
    throw new TransactionTooLargeError({
      items,
      sizeBytes: bytes,
      reason: `it needs ${items} items (events plus version checks) and DynamoDB allows ${MAX_TRANSACTION_ITEMS}`,
    });
  }
  if (bytes > MAX_TRANSACTION_BYTES) {
    throw new TransactionTooLargeError({
      items,
      sizeBytes: bytes,
      reason: `its events total ${bytes} bytes and DynamoDB allows ${MAX_TRANSACTION_BYTES}`,
    });
  }
}
