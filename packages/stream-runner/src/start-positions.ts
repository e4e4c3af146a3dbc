import { type DynamoDBStreamsClient, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { CheckpointStore } from './checkpoint-store.js';
import type { StartingPosition } from './options.js';
import type { ShardInfo } from './shard-lineage.js';

/** Shards whose iterators are taken at once, to keep `start()` short without a burst of calls. */
const CONCURRENCY = 10;

/**
 * Where shards without a checkpoint start. `startingPosition` applies to the shards the stream has at
 * `start()`; shards that appear later are read from their trim horizon, like Lambda does, or their
 * first records (all written after the start) would be lost. Under `LATEST` a closed shard of the
 * start is skipped, and every open one gets its tip iterator during `start()`, so every record
 * written after `start()` resolves is delivered (the shard readers begin a moment later).
 */
export class StartPositions {
  readonly #startingPosition: StartingPosition;
  #initialShardIds = new Set<string>();
  readonly #pinned = new Map<string, string>();

  constructor(startingPosition: StartingPosition) {
    this.#startingPosition = startingPosition;
  }

  /** Remembers the shards of the start and, under `LATEST`, takes their tip iterators. */
  async pin(input: {
    streams: DynamoDBStreamsClient;
    streamArn: string;
    store: CheckpointStore;
    shards: readonly ShardInfo[];
  }): Promise<void> {
    this.#initialShardIds = new Set(input.shards.map((shard) => shard.shardId));
    if (this.#startingPosition !== 'LATEST') return;
    const open = input.shards.filter((shard) => !shard.closed);
    for (let start = 0; start < open.length; start += CONCURRENCY) {
      await Promise.all(
        open.slice(start, start + CONCURRENCY).map(({ shardId }) => this.#pinTip(input, shardId)),
      );
    }
  }

  startWithoutCheckpoint(shard: ShardInfo): StartingPosition | 'SKIP' {
    if (this.#startingPosition === 'LATEST' && this.#initialShardIds.has(shard.shardId)) {
      return shard.closed ? 'SKIP' : 'LATEST';
    }
    return 'TRIM_HORIZON';
  }

  /** The tip iterator taken at start for a shard, handed out once. */
  takePinnedIterator(shardId: string): string | undefined {
    const iterator = this.#pinned.get(shardId);
    this.#pinned.delete(shardId);
    return iterator;
  }

  async #pinTip(
    input: { streams: DynamoDBStreamsClient; streamArn: string; store: CheckpointStore },
    shardId: string,
  ): Promise<void> {
    const { streams, streamArn, store } = input;
    if ((await store.get({ streamArn, shardId })) !== undefined) return;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'LATEST' }),
    );
    if (ShardIterator !== undefined) this.#pinned.set(shardId, ShardIterator);
  }
}
