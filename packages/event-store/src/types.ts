/** Metadata stored with every event. `correlationId` and `causationId` are first-class. */
export interface EventMetadata {
  /** Id shared by every event caused, directly or not, by one request or command. */
  correlationId?: string;
  /** Id of the command or event that caused this event. */
  causationId?: string;
  [key: string]: unknown;
}

/** The shape every domain event has: a `type` discriminator and its `data`. */
export interface EventShape {
  readonly type: string;
  readonly data: unknown;
}

/** An event to append. `eventId` defaults to a new ULID; give your own to make retries idempotent. */
export interface NewEvent<E extends EventShape = EventShape> {
  readonly type: E['type'];
  readonly data: E['data'];
  readonly metadata?: EventMetadata;
  readonly eventId?: string;
}

/** Helper that turns a union of event shapes into a union of `NewEvent`s, one per type. */
export type NewEventOf<E extends EventShape> = E extends EventShape ? NewEvent<E> : never;

/** An event as stored in (and read back from) a stream. */
export type StoredEvent<E extends EventShape = EventShape> = E extends EventShape
  ? {
      readonly streamId: string;
      /** Position in the stream: 1 for the first event, contiguous. */
      readonly version: number;
      readonly eventId: string;
      readonly type: E['type'];
      readonly data: E['data'];
      readonly metadata: EventMetadata;
      /** ISO-8601 time at which the event was appended. */
      readonly recordedAt: string;
      /** Schema version of `data`; after upcasting, the current schema version of the type. */
      readonly schemaVersion: number;
    }
  : never;

/**
 * What the stream must look like for an append to go through.
 * - a number `n`: the stream is exactly at version `n` (`0` means it does not exist yet);
 * - `'no-stream'`: the stream does not exist yet;
 * - `'exists'`: the stream has at least one event, whatever its version;
 * - `'any'`: no check; the events go after whatever is there.
 */
export type ExpectedVersion = number | 'no-stream' | 'exists' | 'any';

/** Named constants for the non-numeric expected versions. */
export const ExpectedVersion = {
  NoStream: 'no-stream',
  Exists: 'exists',
  Any: 'any',
} as const;

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
}

export interface AppendResult<E extends EventShape = EventShape> {
  /** The version of the last event appended: the stream's version right after the append. */
  readonly version: number;
  readonly events: StoredEvent<E>[];
  /**
   * True when these events were already stored, by an earlier attempt of this append whose answer
   * was lost or by an earlier call with the same event ids: nothing was written now, and `events`
   * are the stored ones (with their original `recordedAt`).
   */
  readonly duplicate: boolean;
}

/** One stream's part of an `appendMany`. */
export interface StreamAppend<E extends EventShape = EventShape> {
  readonly streamId: string;
  readonly events: readonly NewEventOf<E>[];
  readonly expectedVersion: ExpectedVersion;
}

export interface ReadOptions {
  /** First version to read (inclusive). Default 1 forward; the last event backward. */
  readonly fromVersion?: number;
  /** Last version to read (inclusive). */
  readonly toVersion?: number;
  /** `'forward'` (default) reads oldest first; `'backward'` newest first. */
  readonly direction?: 'forward' | 'backward';
  /** At most this many events. */
  readonly limit?: number;
  /** Strongly consistent reads (default `true`): read-your-writes, at twice the read cost. */
  readonly consistentRead?: boolean;
}

export interface ReadStreamResult<E extends EventShape = EventShape> {
  readonly events: StoredEvent<E>[];
  /** The stream's version: its last event's version, or 0 when it does not exist. */
  readonly version: number;
  readonly exists: boolean;
}
