import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ItemPrefix } from '../keys.js';
import { queryAll, scanAll } from '../storage/read-all.js';
import { decodeVersion, type VersionStatus } from './registry.js';

/**
 * A version of a projection's read model, as registered.
 *
 * @example
 * const [active] = (await listProjectionVersions({ client, tableName, projection: 'accounts' }))
 *   .filter((record: VersionRecord) => record.active);
 */
export interface VersionRecord {
  readonly projection: string;
  readonly version: number;
  /** `building` (a rebuild owns it), `ready` (rebuilt), `live` (built by live handlers). */
  readonly status: VersionStatus;
  /** Readers are switched to this version (see `switchProjectionVersion`). */
  readonly active: boolean;
  readonly createdAt: string;
  /** The rebuild that owns a `building` version. */
  readonly rebuildId?: string;
  readonly readyAt?: string;
  /** What the rebuild that made the version `ready` went through. */
  readonly rebuilt?: { readonly events: number; readonly streams: number; readonly documentsWritten: number };
}

/**
 * Options of {@link listProjectionVersions}.
 *
 * @example
 * const options: ListProjectionVersionsOptions = { client, tableName: 'read-models', projection: 'accounts' };
 */
export interface ListProjectionVersionsOptions {
  readonly client: DynamoDBClient;
  /** The read-model table. */
  readonly tableName: string;
  /** The projection; without it, every projection's (a `Scan` of the whole table). */
  readonly projection?: string;
}

type Item = Record<string, AttributeValue>;

/**
 * Lists the registered versions of a projection (one strongly consistent `Query` of its registry
 * partition), by version, each marked `active` if readers are switched to it. Without
 * `projection`, every projection's, by name then version: a `Scan` of the read-model table.
 *
 * @example
 * for (const record of await listProjectionVersions({ client, tableName: 'read-models', projection: 'accounts' })) {
 *   console.log(record.version, record.status, record.active ? '(readers)' : '');
 * }
 */
export async function listProjectionVersions(
  options: ListProjectionVersionsOptions,
): Promise<VersionRecord[]> {
  const partition = `${ItemPrefix.Versions}#`;
  const items =
    options.projection === undefined
      ? await scanAll(
          options.client,
          {
            TableName: options.tableName,
            FilterExpression: 'begins_with(#pk, :prefix)',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ExpressionAttributeValues: { ':prefix': { S: partition } },
          },
          4,
        )
      : await queryAll(options.client, {
          TableName: options.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': { S: `${partition}${options.projection}` } },
          ConsistentRead: true,
        });
  return decodeRegistry(items);
}

function decodeRegistry(items: readonly Item[]): VersionRecord[] {
  const active = new Map<string, number>();
  const entries: { projection: string; version: number; item: Item }[] = [];
  for (const item of items) {
    const projection = (item.pk?.S ?? '').slice(`${ItemPrefix.Versions}#`.length);
    const sk = item.sk?.S ?? '';
    if (sk === 'active' && item.version?.N !== undefined) active.set(projection, Number(item.version.N));
    else if (sk.startsWith('v#')) entries.push({ projection, version: Number(sk.slice(2)), item });
  }
  return entries
    .map(({ projection, version, item }) => ({
      projection,
      version,
      ...(decodeVersion(item) as NonNullable<ReturnType<typeof decodeVersion>>),
      active: active.get(projection) === version,
      ...rebuilt(item),
    }))
    .sort((a, b) => a.projection.localeCompare(b.projection) || a.version - b.version);
}

function rebuilt(item: Item): Pick<VersionRecord, 'rebuilt'> {
  const count = (name: string) => Number(item[name]?.N ?? 0);
  if (item.events?.N === undefined) return {};
  return {
    rebuilt: {
      events: count('events'),
      streams: count('streams'),
      documentsWritten: count('documentsWritten'),
    },
  };
}
