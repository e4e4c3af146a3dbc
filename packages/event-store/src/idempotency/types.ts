/**
 * What a keyed append is given: the key (e.g. a client's request id) and what the command was, so
 * that a later call with the same key can tell a retry of the same command from a key reused for
 * another one. The store records it with the versions the append left its streams at.
 *
 * @example
 * const idempotency: IdempotencyKey = { key: 'req-42', command: 'TransferMoney', fingerprint: 'q8d…' };
 * await store.appendMany(appends, { idempotency });
 */
export interface IdempotencyKey {
  /** The idempotency key: 1-512 characters, no control characters. One record per key, table-wide. */
  readonly key: string;
  /** The command's name, for messages and operators (1-256 characters). */
  readonly command: string;
  /** Whatever identifies the command's arguments (e.g. a hash of its canonical payload); compared as a string. */
  readonly fingerprint: string;
}

/**
 * One stream of a keyed append, as its record remembers it: the version the append left it at and
 * how many events it appended (its events are versions `version - events + 1` to `version`; none
 * when the stream was only checked).
 *
 * @example
 * const { streamId, version, events } = record.streams[0]; // 'account-1', 12, 1
 */
export interface IdempotentStream {
  readonly streamId: string;
  readonly version: number;
  readonly events: number;
}

/**
 * The record of a keyed append, written in the same transaction as its events: it exists if and
 * only if the events were stored.
 *
 * @example
 * const record = await store.idempotencyRecord('req-42');
 * if (record) console.log(`${record.command} already applied at`, record.streams);
 */
export interface IdempotencyRecord extends IdempotencyKey {
  /** The streams of the append, in the order they were given. */
  readonly streams: readonly IdempotentStream[];
  /** ISO-8601 time of the append. */
  readonly recordedAt: string;
  /** ISO-8601 time after which the record no longer counts (with `expireAfterSeconds`). */
  readonly expiresAt?: string;
  /**
   * Id of the append attempt that wrote the record: a retry of that very attempt (its answer was
   * lost) finds its own id and knows it succeeded.
   */
  readonly writeId: string;
}

/**
 * Where an `EventStore` keeps idempotency records: a table of their own (see
 * `createIdempotencyTable`), written in the same transaction as the events.
 *
 * @example
 * new EventStore({ client, tableName: 'events', idempotency: { tableName: 'idempotency-keys' } });
 */
export interface IdempotencyTableOptions {
  readonly tableName: string;
  /**
   * Records older than this no longer count, and a new append may take their key. Enable DynamoDB
   * TTL on attribute `x` of the table to have them deleted. Default: records never expire.
   */
  readonly expireAfterSeconds?: number;
}
