import type { Shard } from '@aws-sdk/client-dynamodb-streams';

/** What the runner needs to know of a shard from `DescribeStream`. */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  /** A closed shard has an `EndingSequenceNumber`; reading it to the end returns no next iterator. */
  readonly closed: boolean;
}

/** Reads a `DescribeStream` shard into a {@link ShardInfo}. */
export const toShardInfo = (shard: Shard): ShardInfo => ({
  shardId: shard.ShardId ?? '',
  parentShardId: shard.ParentShardId,
  closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
});

/**
 * Whether a shard may be read now. Like Lambda, a child is read only after its parent was read to its
 * end, because an item's later changes land in the child: reading both at once would break per-item
 * order. A parent the runner never saw was trimmed already (older than 24 hours), so its child is free.
 *
 * @param shards.known - every shard the runner has seen, by id.
 * @param shards.finished - ids of the shards read to their end (or skipped, or gone).
 * @example
 * isReadable(child, { known, finished }); // false while the parent is being read
 */
export function isReadable(
  shard: ShardInfo,
  { known, finished }: { known: ReadonlyMap<string, unknown>; finished: ReadonlySet<string> },
): boolean {
  const parent = shard.parentShardId;
  return parent === undefined || !known.has(parent) || finished.has(parent);
}
