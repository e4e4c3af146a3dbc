import { isConditionalCheckFailure } from '@dynamo-es/event-store';
import { ProjectionVersionExistsError } from '../errors.js';
import { activeVersionKey, ItemPrefix, type ProjectionRef, versionKey } from '../keys.js';
import { registerVersionRequest, registryQuery } from '../requests/registry-requests.js';
import type { Item, ReadModelTable } from '../table/read-model-table.js';

/**
 * Status of one version of a projection's read model:
 * - `building`: a rebuild owns it; live handlers only mark streams for catching up;
 * - `ready`: the rebuild finished; live handlers apply to it; readers may switch to it;
 * - `live`: built by live handlers from the first event on (never rebuilt).
 *
 * @example
 * const serving = (record: VersionRecord) => record.status !== 'building';
 */
export type VersionStatus = 'building' | 'ready' | 'live';

/**
 * A version of a projection's read model, as registered.
 *
 * @example
 * const active = (await readModels.versions.list('accounts')).find((record: VersionRecord) => record.active);
 */
export interface VersionRecord {
  readonly projection: string;
  readonly version: number;
  /** `building` (a rebuild owns it), `ready` (rebuilt), `live` (built by live handlers). */
  readonly status: VersionStatus;
  /** Readers are switched to this version. */
  readonly active: boolean;
  readonly createdAt: string;
  /** Segments of the rebuild that builds (or built) it. */
  readonly segments?: number;
  readonly readyAt?: string;
  /** What the rebuild that made the version `ready` went through. */
  readonly rebuilt?: { readonly events: number; readonly streams: number; readonly documentsWritten: number };
}

/** A version's registry entry (one `GetItem`; `active` is not read), or `undefined` when it is not registered. */
export async function readVersion(
  table: ReadModelTable,
  ref: ProjectionRef,
): Promise<VersionRecord | undefined> {
  const entry = await table.get(versionKey(ref));
  return entry ? decodeVersion(ref, entry, undefined) : undefined;
}

/** The version readers of a projection are pointed at, or `undefined` before any switch. */
export async function activeVersion(table: ReadModelTable, name: string): Promise<number | undefined> {
  const item = await table.get(activeVersionKey(name));
  return item?.version?.N === undefined ? undefined : Number(item.version.N);
}

/**
 * Creates the entry of a version unless one exists; returns what is there afterwards. Live
 * handlers register unknown versions as `live`; a prepare or a rebuild as `building`.
 */
export async function registerVersion(
  table: ReadModelTable,
  ref: ProjectionRef,
  status: 'building' | 'live',
  now: string,
): Promise<VersionRecord> {
  try {
    await table.put(registerVersionRequest(ref, status, now));
    return { projection: ref.name, version: ref.version, status, active: false, createdAt: now };
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    const existing = await readVersion(table, ref);
    if (!existing) throw error;
    return existing;
  }
}

/**
 * Registers a version as `building` before its rebuild starts, so that live handlers deployed with
 * it mark every stream they see instead of applying. Idempotent for a version not rebuilt yet.
 */
export async function prepareVersion(table: ReadModelTable, ref: ProjectionRef, now: string): Promise<void> {
  const record = await registerVersion(table, ref, 'building', now);
  if (record.status !== 'building' || record.segments !== undefined) {
    throw new ProjectionVersionExistsError({
      projection: ref.name,
      version: ref.version,
      status: record.status,
    });
  }
}

/**
 * The registered versions of one projection (one strongly consistent `Query` of its registry
 * partition), or of every projection (a `Scan` of the read-model table), by name then version.
 */
export async function listVersions(table: ReadModelTable, name?: string): Promise<VersionRecord[]> {
  const items =
    name === undefined
      ? await table.scan(
          {
            FilterExpression: 'begins_with(#pk, :prefix)',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ExpressionAttributeValues: { ':prefix': { S: `${ItemPrefix.Versions}#` } },
          },
          4,
        )
      : await table.query(registryQuery(name));
  const active = new Map<string, Item>();
  const entries: { ref: ProjectionRef; item: Item }[] = [];
  for (const item of items) {
    const projection = (item.pk?.S ?? '').slice(`${ItemPrefix.Versions}#`.length);
    const sk = item.sk?.S ?? '';
    if (sk === 'active') active.set(projection, item);
    else if (sk.startsWith('v#'))
      entries.push({ ref: { name: projection, version: Number(sk.slice(2)) }, item });
  }
  return entries
    .map(({ ref, item }) => decodeVersion(ref, item, active.get(ref.name)))
    .sort((a, b) => a.projection.localeCompare(b.projection) || a.version - b.version);
}

function decodeVersion(ref: ProjectionRef, item: Item, active: Item | undefined): VersionRecord {
  const status = item.status?.S;
  const count = (attribute: string) => Number(item[attribute]?.N ?? 0);
  return {
    projection: ref.name,
    version: ref.version,
    status: status === 'building' || status === 'ready' ? status : 'live',
    active: active?.version?.N === String(ref.version),
    createdAt: item.createdAt?.S ?? '',
    ...(item.segments?.N ? { segments: Number(item.segments.N) } : {}),
    ...(item.readyAt?.S ? { readyAt: item.readyAt.S } : {}),
    ...(item.events?.N === undefined
      ? {}
      : {
          rebuilt: {
            events: count('events'),
            streams: count('streams'),
            documentsWritten: count('documentsWritten'),
          },
        }),
  };
}
