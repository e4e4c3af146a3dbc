import { decodeValue } from '@dynamo-es/event-store';
import { assertDocumentKey, documentIdOf } from '../codec/document-codec.js';
import { documentKey, documentKeyPrefix, type ProjectionRef } from '../keys.js';
import { prefixFilter } from '../requests/read-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { activeVersion } from '../versions/version-registry.js';

/**
 * Reads a projection's documents, from the version readers should see.
 *
 * @example
 * const accounts: ReadModelReader<Account> = readModels.reader(accountsProjection);
 * const account = await accounts.get('account-42');
 */
export interface ReadModelReader<D> {
  /** The document, strongly consistent, or `undefined`. One `GetItem`. */
  get<T extends D = D>(key: string): Promise<T | undefined>;
  /**
   * Every document of the version, by key. A `Scan` of the whole read-model table: for tests,
   * tooling and small read models, not for request paths.
   */
  list(): Promise<Map<string, D>>;
  /** The version this reader reads now. */
  version(): Promise<number>;
}

/** Options of a {@link ReadModelReader}. */
export interface ReaderOptions {
  /** Read exactly `projection.version`, not the active version (e.g. to check a rebuild before switching). */
  readonly pinned?: boolean;
  /** How long the active version is remembered before it is read again (default 5,000 ms). */
  readonly pointerTtlMs?: number;
}

/**
 * A reader that follows the active version (the version switched to, else `projection.version`),
 * so a rebuild becomes visible only when it is switched to, and all at once.
 */
export function createReader<D>(
  table: ReadModelTable,
  projection: ProjectionRef,
  options: ReaderOptions = {},
): ReadModelReader<D> {
  const { name } = projection;
  const ttl = options.pointerTtlMs ?? 5_000;
  let cached: { version: number; at: number } | undefined;
  const version = async (): Promise<number> => {
    if (options.pinned) return projection.version;
    if (cached && Date.now() - cached.at < ttl) return cached.version;
    cached = { version: (await activeVersion(table, name)) ?? projection.version, at: Date.now() };
    return cached.version;
  };
  return {
    version,
    get: async <T extends D>(key: string) => {
      assertDocumentKey(key);
      const item = await table.get(documentKey({ name, version: await version() }, key));
      return item?.doc === undefined ? undefined : (decodeValue(item.doc) as T);
    },
    list: async () => {
      const prefix = documentKeyPrefix({ name, version: await version() });
      const items = await table.scan({ ...prefixFilter([prefix]), ConsistentRead: true }, 1);
      const documents = new Map<string, D>();
      for (const item of items)
        if (item.doc) documents.set(documentIdOf(item, prefix), decodeValue(item.doc) as D);
      return documents;
    },
  };
}
