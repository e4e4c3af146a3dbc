import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ProjectionVersionNotReadyError } from '../errors.js';
import { activeVersionKey } from '../keys.js';
import { ReadModelTable } from '../storage/read-model-table.js';
import { readVersion } from './registry.js';

/** The version readers of a projection are pointed at, or `undefined` before any switch. */
export async function activeVersion(table: ReadModelTable, name: string): Promise<number | undefined> {
  const item = await table.get(activeVersionKey(name));
  return item?.version?.N === undefined ? undefined : Number(item.version.N);
}

/**
 * Options of {@link switchProjectionVersion}.
 *
 * @example
 * const options: SwitchVersionOptions = { client, tableName: 'read-models', projection: 'accounts', version: 2 };
 */
export interface SwitchVersionOptions {
  readonly client: DynamoDBClient;
  /** The read-model table. */
  readonly tableName: string;
  /** Projection name. */
  readonly projection: string;
  readonly version: number;
}

/**
 * Points readers of a projection at another version of its read model, all at once (one item).
 * Only a finished rebuild (`ready`) or a live-built version (`live`) can serve readers; anything
 * else throws {@link ProjectionVersionNotReadyError}. Switching back is the same call.
 *
 * @example
 * await rebuildProjection({ projection: accountsV2, eventStore, client, readModelTable: 'read-models' });
 * await switchProjectionVersion({ client, tableName: 'read-models', projection: 'accounts', version: 2 });
 */
export async function switchProjectionVersion(options: SwitchVersionOptions): Promise<void> {
  const table = new ReadModelTable(options.client, options.tableName);
  const ref = { name: options.projection, version: options.version };
  const record = await readVersion(table, ref);
  if (!record || record.status === 'building') {
    throw new ProjectionVersionNotReadyError({
      projection: ref.name,
      version: ref.version,
      status: record?.status ?? 'missing',
    });
  }
  await table.client.send(
    new PutItemCommand({
      TableName: table.tableName,
      Item: {
        ...activeVersionKey(ref.name),
        version: { N: String(ref.version) },
        switchedAt: { S: new Date().toISOString() },
      },
    }),
  );
}
