/** Identifies one shard of one DynamoDB Stream. */
export interface ShardKey {
  /** The stream's ARN; it changes when a table's stream is disabled and enabled again. */
  readonly streamArn: string;
  readonly shardId: string;
}

/**
 * Where a `StreamRunner` keeps, per shard, the sequence number of the last record it has acknowledged,
 * so a restarted runner resumes after it (`AFTER_SEQUENCE_NUMBER`) instead of starting over.
 * One store (or one `consumer` of {@link DynamoDBCheckpointStore}) belongs to one runner at a time.
 *
 * @example
 * const store: CheckpointStore = new InMemoryCheckpointStore();
 * await store.put({ streamArn, shardId }, '000000000000000000042');
 * await store.get({ streamArn, shardId }); // '000000000000000000042'
 */
export interface CheckpointStore {
  /** The last acknowledged sequence number of the shard, or `undefined` if none was stored. */
  get(shard: ShardKey): Promise<string | undefined>;
  /** Stores the shard's checkpoint; the runner only ever moves it forward. */
  put(shard: ShardKey, sequenceNumber: string): Promise<void>;
}

/**
 * Keeps checkpoints in memory: the runner's default. Share one instance between runners of one process
 * to resume after a `stop()`; use {@link DynamoDBCheckpointStore} to survive a restart of the process.
 *
 * @example
 * const checkpoints = new InMemoryCheckpointStore();
 * const runner = new StreamRunner({ client, tableName: 'events', handler, checkpointStore: checkpoints });
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<string, string>();

  async get(shard: ShardKey): Promise<string | undefined> {
    return this.#checkpoints.get(keyOf(shard));
  }

  async put(shard: ShardKey, sequenceNumber: string): Promise<void> {
    this.#checkpoints.set(keyOf(shard), sequenceNumber);
  }
}

const keyOf = (shard: ShardKey): string => `${shard.streamArn} ${shard.shardId}`;
