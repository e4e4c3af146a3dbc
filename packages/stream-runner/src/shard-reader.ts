import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { CheckpointStore } from './checkpoint-store.js';
import { RecordsTrimmedError } from './errors.js';
import { toLambdaRecord } from './lambda-record.js';
import type { RunnerErrorContext, StartingPosition } from './options.js';
import type { ShardInfo } from './shard-lineage.js';

/** What a {@link ShardReader} needs from its runner. */
export interface ShardReaderEnv {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly store: CheckpointStore;
  readonly batchSize: number;
  /** Where the shard starts without a checkpoint; `'SKIP'` for a closed shard under `LATEST`. */
  startWithoutCheckpoint(shard: ShardInfo): StartingPosition | 'SKIP';
  /** An iterator taken for the shard at `start()` (with `LATEST`), handed out once. */
  takePinnedIterator(shardId: string): string | undefined;
  /** The current caught-up epoch (see `CaughtUpWaiters`). */
  epoch(): number;
  report(error: unknown, context: RunnerErrorContext): void;
}

/** One `GetRecords` page, or why there is none. */
export type ReadResult =
  | {
      readonly kind: 'page';
      readonly records: DynamoDBRecord[];
      /** `undefined` when the closed shard has no more records. */
      readonly next: string | undefined;
      readonly startedEpoch: number;
    }
  /** The iterator expired or pointed into trimmed data: a new one was or will be taken; read again. */
  | { readonly kind: 'again' }
  /** The shard is done with: skipped by `LATEST`, or gone from the stream. */
  | { readonly kind: 'gone' };

const errorName = (error: unknown): string | undefined => (error as { name?: string } | null)?.name;

/**
 * Reads one shard page by page from its checkpoint: loads the checkpoint once, takes shard iterators
 * (`AFTER_SEQUENCE_NUMBER` the checkpoint, else the starting position), and recovers from expired
 * iterators (taken again from the checkpoint) and trimmed data (reported, then read from the trim horizon).
 * Other errors are thrown for the caller to report and retry; the reader's state stays valid.
 */
export class ShardReader {
  readonly #shard: ShardInfo;
  readonly #env: ShardReaderEnv;
  #checkpointLoaded = false;
  /** Last acknowledged sequence number: where a new iterator starts after. */
  #position: string | undefined;
  #iterator: string | undefined;
  /** A `TrimmedDataAccessException` from `GetRecords` was answered by taking a new iterator. */
  #retookIterator = false;
  #fromTrimHorizon = false;
  /** The operation in progress, for error reports. */
  operation = 'CheckpointStore.get';

  constructor(shard: ShardInfo, env: ShardReaderEnv) {
    this.#shard = shard;
    this.#env = env;
  }

  /** Records that everything up to `sequenceNumber` is done. */
  acknowledged(sequenceNumber: string): void {
    this.#position = sequenceNumber;
  }

  /** Moves on to the page after the one last read (once that page is acknowledged). */
  moveTo(nextIterator: string | undefined): void {
    this.#iterator = nextIterator;
  }

  async read(): Promise<ReadResult> {
    const { shardId } = this.#shard;
    if (!this.#checkpointLoaded) {
      this.operation = 'CheckpointStore.get';
      this.#position = await this.#env.store.get({ streamArn: this.#env.streamArn, shardId });
      this.#checkpointLoaded = true;
      const pinned = this.#env.takePinnedIterator(shardId);
      if (this.#position === undefined) this.#iterator ??= pinned;
    }
    if (this.#iterator === undefined) {
      const iterator = await this.#acquireIterator();
      if (iterator === undefined) return { kind: 'gone' };
      this.#iterator = iterator;
    }
    this.operation = 'GetRecords';
    const startedEpoch = this.#env.epoch();
    try {
      const page = await this.#env.streams.send(
        new GetRecordsCommand({ ShardIterator: this.#iterator, Limit: this.#env.batchSize }),
      );
      const records = (page.Records ?? []).map((record) => toLambdaRecord(record, this.#env.streamArn));
      this.#retookIterator = false;
      return { kind: 'page', records, next: page.NextShardIterator ?? undefined, startedEpoch };
    } catch (error) {
      return this.#recover(error);
    }
  }

  #recover(error: unknown): ReadResult {
    switch (errorName(error)) {
      case 'ExpiredIteratorException':
        // Iterators live 15 minutes; a slow handler or a long wait for a slot outlives them.
        this.#iterator = undefined;
        return { kind: 'again' };
      case 'TrimmedDataAccessException':
        // An iterator can report trimmed data although every record after the checkpoint is there
        // (DynamoDB Local does under load). Take a new one from the checkpoint first: only a
        // checkpoint that itself points into trimmed data (GetShardIterator says so) lost records.
        if (!this.#retookIterator && this.#iteratorType() !== 'LATEST') {
          this.#retookIterator = true;
          this.#iterator = undefined;
          return { kind: 'again' };
        }
        this.#trimmed(error);
        return { kind: 'again' };
      case 'ResourceNotFoundException':
        this.#env.report(error, { operation: this.operation, shardId: this.#shard.shardId });
        return { kind: 'gone' };
      default:
        throw error;
    }
  }

  #trimmed(cause: unknown): void {
    const shardId = this.#shard.shardId;
    const error = new RecordsTrimmedError({ shardId, afterSequenceNumber: this.#position }, { cause });
    this.#env.report(error, { operation: this.operation, shardId });
    this.#iterator = undefined;
    this.#position = undefined;
    this.#fromTrimHorizon = true;
  }

  #iteratorType(): ShardIteratorType | 'SKIP' {
    if (this.#position !== undefined) return 'AFTER_SEQUENCE_NUMBER';
    if (this.#fromTrimHorizon) return 'TRIM_HORIZON';
    return this.#env.startWithoutCheckpoint(this.#shard);
  }

  async #acquireIterator(): Promise<string | undefined> {
    this.operation = 'GetShardIterator';
    const type = this.#iteratorType();
    if (type === 'SKIP') return undefined;
    try {
      const { ShardIterator } = await this.#env.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.#env.streamArn,
          ShardId: this.#shard.shardId,
          ShardIteratorType: type,
          SequenceNumber: type === 'AFTER_SEQUENCE_NUMBER' ? this.#position : undefined,
        }),
      );
      return ShardIterator;
    } catch (error) {
      // The checkpoint points into trimmed data: report it and take a trim-horizon iterator at once.
      if (errorName(error) === 'TrimmedDataAccessException' && type === 'AFTER_SEQUENCE_NUMBER') {
        this.#trimmed(error);
        return this.#acquireIterator();
      }
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
      this.#env.report(error, { operation: this.operation, shardId: this.#shard.shardId });
      return undefined;
    }
  }
}
