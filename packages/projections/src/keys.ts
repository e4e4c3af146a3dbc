import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Key layout of the read-model table: one table, item types told apart by the partition key's
 * prefix. Every partition key names one document, one checkpoint, one stream's dead letters, or
 * one projection's versions, so no constant key takes the writes of a whole projection.
 */
export const ItemPrefix = {
  Document: 'doc',
  Checkpoint: 'cp',
  DeadLetter: 'dl',
  Versions: 'pv',
  Pending: 'pend',
  Journal: 'rbj',
} as const;

/** Attribute names of the read-model table's key and of the dead-letter index. */
export const ReadModelAttribute = {
  PartitionKey: 'pk',
  SortKey: 'sk',
  DeadLetterProjection: 'dlProjection',
  DeadLetterOrder: 'dlOrder',
} as const;

/** Name of the sparse global secondary index listing a projection version's dead letters. */
export const DEAD_LETTER_INDEX = 'deadLetters';

/**
 * A projection's read model at one version: the unit that keys are scoped to. A projection from
 * `defineProjection` is one.
 *
 * @example
 * const ref: ProjectionRef = { name: 'accounts', version: 2 };
 */
export interface ProjectionRef {
  readonly name: string;
  readonly version: number;
}

export type ItemKey = Record<string, AttributeValue>;

const key = (pk: string, sk: string): ItemKey => ({ pk: { S: pk }, sk: { S: sk } });
const scope = (ref: ProjectionRef) => `${ref.name}#${ref.version}`;

/** Versions are zero-padded in sort keys so that string order is numeric order. */
export const padVersion = (version: number): string => String(version).padStart(16, '0');

/** Key of a read-model document. */
export const documentKey = (ref: ProjectionRef, documentId: string): ItemKey =>
  key(`${ItemPrefix.Document}#${scope(ref)}#${documentId}`, ItemPrefix.Document);

/** Prefix shared by the partition keys of every document of a projection version (for scans). */
export const documentKeyPrefix = (ref: ProjectionRef): string => `${ItemPrefix.Document}#${scope(ref)}#`;

/** Key of the checkpoint of one (projection version, stream). */
export const checkpointKey = (ref: ProjectionRef, streamId: string): ItemKey =>
  key(`${ItemPrefix.Checkpoint}#${scope(ref)}#${streamId}`, ItemPrefix.Checkpoint);

/** Key of the dead letter of one event. */
export const deadLetterKey = (ref: ProjectionRef, streamId: string, version: number): ItemKey =>
  key(`${ItemPrefix.DeadLetter}#${scope(ref)}#${streamId}`, `v#${padVersion(version)}`);

/** Partition key value of the dead-letter index for a projection version. */
export const deadLetterIndexKey = (ref: ProjectionRef): string => scope(ref);

/** Key of the registry entry of one projection version (status of its read model). */
export const versionKey = (ref: ProjectionRef): ItemKey =>
  key(`${ItemPrefix.Versions}#${ref.name}`, `v#${padVersion(ref.version)}`);

/** Key of one segment's progress in a rebuild of a projection version (where its scan is). */
export const rebuildSegmentKey = (ref: ProjectionRef, segment: number): ItemKey =>
  key(`${ItemPrefix.Versions}#${ref.name}`, rebuildSegmentPrefix(ref) + String(segment).padStart(4, '0'));

/** Sort-key prefix of a version's rebuild segments, in its projection's registry partition. */
export const rebuildSegmentPrefix = (ref: ProjectionRef): string => `r#${padVersion(ref.version)}#`;

/** Key of the pointer telling readers which version of a projection is active. */
export const activeVersionKey = (name: string): ItemKey => key(`${ItemPrefix.Versions}#${name}`, 'active');

/** Pending markers (streams with events during a rebuild) spread over this many partitions. */
export const PENDING_SHARDS = 16;

/** Key of a pending marker: the stream needs catching up once the rebuild is done. */
export const pendingKey = (ref: ProjectionRef, streamId: string): ItemKey =>
  key(pendingPartition(ref, shardOf(streamId)), streamId);

export const pendingPartition = (ref: ProjectionRef, shard: number): string =>
  `${ItemPrefix.Pending}#${scope(ref)}#${shard}`;

// FNV-1a: a stable, cheap spread of stream ids (or item keys) over the pending (or journal) shards.
export function shardOf(streamId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < streamId.length; index++) {
    hash ^= streamId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PENDING_SHARDS;
}

/** Journal entries of one flush spread over this many partitions. */
export const JOURNAL_SHARDS = 16;

/** Partition of one shard of a rebuild flush's journal (what the flush's items were before it). */
export const journalPartition = (
  ref: ProjectionRef,
  runId: string,
  generation: number,
  shard: number,
): string => `${ItemPrefix.Journal}#${scope(ref)}#${runId}#${generation}#${shard}`;

/** A stable string form of an item key, for maps. */
export const keyString = (itemKey: ItemKey): string => `${itemKey.pk?.S}\u0000${itemKey.sk?.S}`;
