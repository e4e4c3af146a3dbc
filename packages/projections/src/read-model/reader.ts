import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { decodeValue, type EventShape } from '@dynamo-es/event-store';
import { assertDocumentKey, documentIdOf } from '../codec/document-codec.js';
import { documentKey, documentKeyPrefix, type ProjectionRef } from '../keys.js';
import type { Projection } from '../projection.js';
import { ReadModelTable } from '../storage/read-model-table.js';
import { activeVersion } from '../versions/active-version.js';

/**
 * Options of {@link readModel}.
 *
 * @example
 * const options: ReadModelOptions<Account> = { client, tableName: 'read-models', projection: 'accounts', version: 2 };
 */
export interface ReadModelOptions<D> {
  readonly client: DynamoDBClient;
  /** The read-model table. */
  readonly tableName: string;
  /** The projection (its definition, or its name). */
  readonly projection: Projection<EventShape, D> | string;
  /**
   * Read this version instead of the active one (e.g. to check a rebuild before switching).
   * Without it, the reader follows the active-version pointer ({@link switchProjectionVersion}).
   */
  readonly version?: number;
  /** How long the active version is remembered before it is read again (default 5,000 ms). */
  readonly pointerTtlMs?: number;
}

/**
 * Reads a projection's documents from the version readers should see.
 *
 * @example
 * const reader: ReadModelReader<Account> = readModel({ client, tableName: 'read-models', projection: accounts });
 */
export interface ReadModelReader<D> {
  /** The document, strongly consistent, or `undefined`. */
  get<T extends D = D>(key: string): Promise<T | undefined>;
  /**
   * Every document of the version, by key. A `Scan` of the whole read-model table: for tests,
   * tooling and small read models, not for request paths.
   */
  list(): Promise<Map<string, D>>;
  /** The version this reader reads now. */
  version(): Promise<number>;
}

/**
 * A reader of a projection's documents that follows the active version, so a rebuild becomes
 * visible only when it is switched to, and all at once.
 *
 * @example
 * const accounts = readModel<Account>({ client, tableName: 'read-models', projection: 'accounts' });
 * const account = await accounts.get('account-42');
 */
export function readModel<D = unknown>(options: ReadModelOptions<D>): ReadModelReader<D> {
  const table = new ReadModelTable(options.client, options.tableName);
  const name = typeof options.projection === 'string' ? options.projection : options.projection.name;
  const fallback = typeof options.projection === 'string' ? 1 : options.projection.version;
  const ttl = options.pointerTtlMs ?? 5_000;
  let cached: { version: number; at: number } | undefined;
  const version = async (): Promise<number> => {
    if (options.version !== undefined) return options.version;
    if (cached && Date.now() - cached.at < ttl) return cached.version;
    cached = { version: (await activeVersion(table, name)) ?? fallback, at: Date.now() };
    return cached.version;
  };
  return {
    version,
    get: async <T extends D>(key: string) => {
      assertDocumentKey(key);
      const item = await table.get(documentKey({ name, version: await version() }, key));
      return item?.doc === undefined ? undefined : (decodeValue(item.doc) as T);
    },
    list: async () => listDocuments<D>(table, { name, version: await version() }),
  };
}

/**
 * Reads one document of the active version of a projection.
 *
 * @example
 * const account = await getDocument<Account>({ client, tableName: 'read-models', projection: 'accounts', key: 'account-42' });
 */
export function getDocument<D = unknown>(
  options: ReadModelOptions<D> & { readonly key: string },
): Promise<D | undefined> {
  return readModel<D>({ ...options, pointerTtlMs: 0 }).get(options.key);
}

async function listDocuments<D>(table: ReadModelTable, ref: ProjectionRef): Promise<Map<string, D>> {
  const prefix = documentKeyPrefix(ref);
  const documents = new Map<string, D>();
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'begins_with(#pk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':prefix': { S: prefix } },
        ConsistentRead: true,
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    for (const item of output.Items ?? []) {
      if (item.doc) documents.set(documentIdOf(item, prefix), decodeValue(item.doc) as D);
    }
    ExclusiveStartKey = output.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return documents;
}
