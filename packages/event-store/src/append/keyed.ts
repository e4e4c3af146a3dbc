import { randomUUID } from 'node:crypto';
import { type AttributeValue, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { IdempotencyKeyExistsError } from '../idempotency/errors.js';
import { decodeIdempotencyItem, encodeIdempotencyItem } from '../idempotency/record-item.js';
import { buildPutIdempotencyRecord } from '../idempotency/record-requests.js';
import type { IdempotencyKey, IdempotencyRecord, IdempotencyTableOptions } from '../idempotency/types.js';
import type { PlannedStream, PreparedStream } from './plan.js';

type Item = Record<string, AttributeValue>;

/**
 * The idempotency record of one keyed append call: built for each attempt from where the streams
 * stand, with one write id for the whole call, so that an attempt whose answer was lost finds its
 * own record and knows it landed.
 */
export class KeyedWrite {
  readonly #table: IdempotencyTableOptions;
  readonly #key: IdempotencyKey;
  readonly #writeId = randomUUID();
  readonly #recordedAt: Date;

  constructor(table: IdempotencyTableOptions, key: IdempotencyKey, recordedAt: Date) {
    this.#table = table;
    this.#key = key;
    this.#recordedAt = recordedAt;
  }

  /** An upper bound of the record's size, before versions are known (for the transaction limits). */
  sizeBound(streams: readonly PreparedStream[]): number {
    const placeholder = streams.map((stream) => ({ ...stream, base: Number.MAX_SAFE_INTEGER, events: [] }));
    // Each stream's event count (at most 100: 3 digits) is written as 0 here.
    return encodeIdempotencyItem(this.record(placeholder)).size + 2 * streams.length;
  }

  /** The `PutItem` of the record for streams placed at their bases. */
  put(streams: readonly Pick<PlannedStream, 'streamId' | 'base' | 'events'>[]) {
    const { item } = encodeIdempotencyItem(this.record(streams));
    return buildPutIdempotencyRecord(this.#table.tableName, item, this.#recordedAt.getTime());
  }

  /** Writes the record alone (a keyed append with no events): true if written now, false if by this call before. */
  async putAlone(client: DynamoDBClient, streams: readonly PlannedStream[]): Promise<boolean> {
    try {
      await client.send(new PutItemCommand(this.put(streams)));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      this.assertOwn((error as { Item?: Item }).Item);
      return false;
    }
  }

  /**
   * Returns when the record holding the key is this call's own (an attempt whose answer was lost);
   * throws {@link IdempotencyKeyExistsError} with it otherwise.
   */
  assertOwn(item: Item | undefined): void {
    // ALL_OLD always returns the item whose condition failed; without it, nothing can be said.
    if (item === undefined) throw new Error('DynamoDB refused the idempotency record without returning it');
    const existing = decodeIdempotencyItem(item);
    if (existing.writeId !== this.#writeId) throw new IdempotencyKeyExistsError(existing);
  }

  record(streams: readonly Pick<PlannedStream, 'streamId' | 'base' | 'events'>[]): IdempotencyRecord {
    const { expireAfterSeconds } = this.#table;
    const recordedMs = this.#recordedAt.getTime();
    return {
      ...this.#key,
      streams: streams.map((stream) => ({
        streamId: stream.streamId,
        version: stream.base + stream.events.length,
        events: stream.events.length,
      })),
      recordedAt: this.#recordedAt.toISOString(),
      writeId: this.#writeId,
      ...(expireAfterSeconds === undefined
        ? {}
        : { expiresAt: new Date(recordedMs + expireAfterSeconds * 1000).toISOString() }),
    };
  }
}
