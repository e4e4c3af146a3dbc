import { decodeCheckpoint } from '../codec/checkpoint-codec.js';
import { InvalidProjectionError } from '../errors.js';
import { ItemPrefix } from '../keys.js';
import type { Item, ReadModelTable } from '../table/read-model-table.js';

/**
 * Where a projection version is in one stream, as its checkpoint holds it (a checkpoint item, or
 * the stream's own document with `streamDocument`).
 *
 * @example
 * const parked = (await readModels.checkpoints.list()).filter((checkpoint: Checkpoint) => checkpoint.parkedAt);
 */
export interface Checkpoint {
  readonly projection: string;
  /** The projection's version. */
  readonly version: number;
  readonly streamId: string;
  /**
   * Last event version the projection went past. A stream whose events change no document is
   * checkpointed only every 100 events, so this may be behind what was really applied.
   */
  readonly appliedVersion: number;
  /** The event version that is failing and being retried, with its failed attempts and last error. */
  readonly failedVersion?: number;
  readonly attempts?: number;
  readonly lastError?: string;
  /** Set when the stream is parked behind a dead-lettered event (policy `park-stream`). */
  readonly parkedAt?: number;
  /** ISO time the checkpoint was last written. */
  readonly updatedAt?: string;
}

/** Which checkpoints to list. */
export interface CheckpointFilter {
  /** Only this projection's. */
  readonly projection?: string;
  /** Only this version's (needs `projection`). */
  readonly version?: number;
}

/**
 * Lists checkpoints, sorted by projection, version and stream. Each checkpoint is in its own
 * partition (no hot key on the write path), so this is a `Scan` of the read-model table filtered
 * on the key prefixes: it reads (and costs) the whole table. Eventually consistent (half the cost).
 */
export async function listCheckpoints(
  table: ReadModelTable,
  filter: CheckpointFilter = {},
): Promise<Checkpoint[]> {
  const scope = scopeOf(filter);
  const items = await table.scan(
    {
      FilterExpression: 'begins_with(#pk, :cp) OR (begins_with(#pk, :doc) AND attribute_exists(#cp))',
      ExpressionAttributeNames: { '#pk': 'pk', '#cp': 'cp' },
      ExpressionAttributeValues: {
        ':cp': { S: `${ItemPrefix.Checkpoint}#${scope}` },
        ':doc': { S: `${ItemPrefix.Document}#${scope}` },
      },
    },
    4,
  );
  return items
    .flatMap((item) => decode(item) ?? [])
    .sort(
      (a, b) =>
        a.projection.localeCompare(b.projection) ||
        a.version - b.version ||
        a.streamId.localeCompare(b.streamId),
    );
}

function scopeOf(filter: CheckpointFilter): string {
  if (filter.projection === undefined) {
    if (filter.version !== undefined) throw new InvalidProjectionError('version', 'needs a projection');
    return '';
  }
  return `${filter.projection}#${filter.version === undefined ? '' : `${filter.version}#`}`;
}

// `cp#<name>#<version>#<streamId>` or `doc#<name>#<version>#<key>`: names have no `#`.
const SCOPED_PK = /^(?:cp|doc)#([^#]+)#(\d+)#/s;

function decode(item: Item): Checkpoint | undefined {
  const match = SCOPED_PK.exec(item.pk?.S ?? '');
  const embedded = item.sk?.S === ItemPrefix.Document;
  const decoded = decodeCheckpoint(embedded ? 'embedded' : 'item', item);
  if (!match || !decoded) return undefined;
  const { version: appliedVersion, ...rest } = decoded.state;
  return {
    projection: match[1] ?? '',
    version: Number(match[2]),
    streamId: decoded.streamId,
    appliedVersion,
    ...rest,
    ...(item.at?.S ? { updatedAt: item.at.S } : {}),
  };
}
