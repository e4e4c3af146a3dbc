import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

/**
 * Attribute names of the feed table. Names are billed on every item, so they are one letter:
 * `p` partition key and `n` sort key of every item; batches hold `c` (events in the batch) and `b`
 * (the entries), type index items the same for one type's events; stream states `v` (indexed version) and `q` (its position); the meta item `e`
 * (positions per epoch) and `h` (an epoch known to hold a batch); checkpoints `q`; `w` is the time
 * an item was written (epoch milliseconds).
 */
export const FeedAttribute = {
  PartitionKey: 'p',
  SortKey: 'n',
  Count: 'c',
  Entries: 'b',
  Version: 'v',
  Position: 'q',
  EpochSize: 'e',
  HeadEpoch: 'h',
  WrittenAt: 'w',
} as const;

/**
 * What each kind of item's partition key starts with. A stream id follows `s#` whole, so no two
 * kinds (nor two streams) can share a key; a type follows `y#<epoch>#` whole (the epoch is digits).
 */
export const KeyPrefix = { Batch: 'b#', State: 's#', Checkpoint: 'c#', Type: 'y#', Meta: 'meta' } as const;

/** The epoch of a position: batches live under the partition key of the epoch of their first position. */
export const epochOf = (position: number, epochSize: number): number => Math.floor(position / epochSize);

export const epochKey = (epoch: number): AttributeValue => ({ S: `${KeyPrefix.Batch}${epoch}` });

/** The key of the batch whose first position is `first`. */
export const batchKey = (first: number, epochSize: number): Item => ({
  p: epochKey(epochOf(first, epochSize)),
  n: { N: String(first) },
});

/**
 * The partition of one type's index items in one epoch. Type and epoch together: one partition
 * takes the writes of one type for one epoch only, so even a type that is every event stays far
 * under a partition's 1,000 WCU/s (one small write per batch).
 */
export const typeKey = (epoch: number, type: string): AttributeValue => ({
  S: `${KeyPrefix.Type}${epoch}#${type}`,
});

/** The type of a type index item's key, or `undefined` for other items. */
export function typeOfTypeKey(item: Item): string | undefined {
  const match = /^y#\d+#(.+)$/s.exec(item.p?.S ?? '');
  return match?.[1];
}

/** The key of a stream's state: the highest version of it in the feed (all but the latest batch). */
export const stateKey = (streamId: string): Item => ({
  p: { S: `${KeyPrefix.State}${streamId}` },
  n: { N: '0' },
});

export const checkpointKey = (name: string): Item => ({
  p: { S: `${KeyPrefix.Checkpoint}${name}` },
  n: { N: '0' },
});

export const metaKey = (): Item => ({ p: { S: KeyPrefix.Meta }, n: { N: '0' } });

/** The stream id of a state item's key, or `undefined` for other items. */
export function streamIdOfStateKey(item: Item): string | undefined {
  const key = item.p?.S;
  return key?.startsWith(KeyPrefix.State) ? key.slice(KeyPrefix.State.length) : undefined;
}
