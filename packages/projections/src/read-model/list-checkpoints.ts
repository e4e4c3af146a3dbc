import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidProjectionError } from '../errors.js';
import { ItemPrefix } from '../keys.js';
import { decodeCheckpoint } from '../storage/checkpoint.js';
import { scanAll } from '../storage/read-all.js';
import { positive } from '../validation.js';

/**
 * Where a projection version is in one stream, as its checkpoint item holds it.
 *
 * @example
 * const parked = (await listCheckpoints({ client, tableName })).filter((c: Checkpoint) => c.parkedAt);
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

/**
 * Options of {@link listCheckpoints}.
 *
 * @example
 * const options: ListCheckpointsOptions = { client, tableName: 'read-models', projection: 'accounts', version: 2 };
 */
export interface ListCheckpointsOptions {
  readonly client: DynamoDBClient;
  /** The read-model table. */
  readonly tableName: string;
  /** Only this projection's checkpoints. */
  readonly projection?: string;
  /** Only this version's (needs `projection`). */
  readonly version?: number;
  /** Parallel scan segments (default 4). */
  readonly segments?: number;
}

/**
 * Lists checkpoints, sorted by projection, version and stream. Each checkpoint is its own
 * partition (no hot key on the write path), so this is a `Scan` of the read-model table filtered
 * on the key prefix: it reads (and costs) the whole table, documents included. Eventually
 * consistent, so half the cost of a strong read.
 *
 * @example
 * for (const checkpoint of await listCheckpoints({ client, tableName: 'read-models', projection: 'accounts' })) {
 *   console.log(checkpoint.streamId, checkpoint.appliedVersion, checkpoint.parkedAt ?? 'ok');
 * }
 */
export async function listCheckpoints(options: ListCheckpointsOptions): Promise<Checkpoint[]> {
  const items = await scanAll(
    options.client,
    {
      TableName: options.tableName,
      FilterExpression: 'begins_with(#pk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':prefix': { S: prefix(options) } },
    },
    positive(options.segments, 4, 'segments'),
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

function prefix(options: ListCheckpointsOptions): string {
  if (options.projection === undefined) {
    if (options.version !== undefined) throw new InvalidProjectionError('version', 'needs a projection');
    return `${ItemPrefix.Checkpoint}#`;
  }
  const version = options.version === undefined ? '' : `${options.version}#`;
  return `${ItemPrefix.Checkpoint}#${options.projection}#${version}`;
}

// `cp#<name>#<version>#<streamId>`: names have no `#`, stream ids may.
const CHECKPOINT_PK = /^cp#([^#]+)#(\d+)#(.*)$/s;

function decode(item: Record<string, AttributeValue>): Checkpoint | undefined {
  const match = CHECKPOINT_PK.exec(item.pk?.S ?? '');
  if (!match || item.sk?.S !== ItemPrefix.Checkpoint) return undefined;
  const [, projection = '', version = '0', streamId = ''] = match;
  const { version: appliedVersion, rev: _rev, ...rest } = decodeCheckpoint(item);
  return {
    projection,
    version: Number(version),
    streamId: item.streamId?.S ?? streamId,
    appliedVersion,
    ...rest,
    ...(item.at?.S ? { updatedAt: item.at.S } : {}),
  };
}
