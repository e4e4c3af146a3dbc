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

export interface PlanInput {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly base: number;
  readonly events: readonly NewEvent[];
  readonly needsProof: boolean;
}

export interface PlanContext {
  readonly newEventId: () => string;
  readonly schemaVersionOf: (type: string) => number;
  readonly recordedAt: string;
}

/** Turns new events into stored events with contiguous versions after `base`, encoded and size-checked. */
export function planStream(input: PlanInput, context: PlanContext): PlannedStream {
  const events = input.events.map(
    (event, index) =>
      ({
        streamId: input.streamId,
        version: input.base + index + 1,
        eventId: event.eventId ?? context.newEventId(),
        type: event.type,
        data: event.data,
        metadata: { ...(event.metadata ?? {}) },
        recordedAt: context.recordedAt,
        schemaVersion: context.schemaVersionOf(event.type),
      }) as StoredEvent,
  );
  return {
    streamId: input.streamId,
    expectedVersion: input.expectedVersion,
    base: input.base,
    events,
    encoded: events.map(encodeEventItem),
    ...(input.needsProof ? { proveVersion: input.base } : {}),
  };
}

/** Throws when the planned streams cannot be written in one transaction. */
export function assertFitsOneTransaction(streams: readonly PlannedStream[]): void {
  let items = 0;
  let bytes = 0;
  for (const stream of streams) {
    items += stream.encoded.length + (stream.proveVersion === undefined ? 0 : 1);
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
