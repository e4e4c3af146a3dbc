import { InvalidProjectionError } from '../errors.js';
import { ItemPrefix, type ProjectionRef, rebuildSegmentPrefix, versionKey } from '../keys.js';
import { prefixFilter } from '../requests/read-requests.js';
import { registryQuery } from '../requests/registry-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { activeVersion } from './version-registry.js';

/** What {@link deleteVersion} removed. */
export interface DeletedVersion {
  readonly documents: number;
  readonly checkpoints: number;
  readonly deadLetters: number;
  /** Pending markers, rebuild segments and the registry entry. */
  readonly other: number;
}

/**
 * Deletes every item of a projection version: documents, checkpoints, dead letters, rebuild
 * markers and progress, and its registry entry. For an abandoned rebuild or an old version: not the
 * active one. A `Scan` of the read-model table (filtered on the version's key prefixes), then
 * `BatchWriteItem` deletes. Handlers still running the version would write it again: remove it
 * from them first.
 */
export async function deleteVersion(table: ReadModelTable, ref: ProjectionRef): Promise<DeletedVersion> {
  if ((await activeVersion(table, ref.name)) === ref.version) {
    throw new InvalidProjectionError(
      'version',
      `${ref.name} v${ref.version} is the active version; switch readers away first`,
    );
  }
  const scope = `${ref.name}#${ref.version}#`;
  const prefixes = {
    documents: `${ItemPrefix.Document}#${scope}`,
    checkpoints: `${ItemPrefix.Checkpoint}#${scope}`,
    deadLetters: `${ItemPrefix.DeadLetter}#${scope}`,
    pending: `${ItemPrefix.Pending}#${scope}`,
  };
  const items = await table.scan(
    // Pending partitions are `pend#<name>#<version>#<shard>`: under the version's prefix too.
    { ...prefixFilter(Object.values(prefixes)), ProjectionExpression: '#pk, sk' },
    4,
  );
  const registry = (await table.query(registryQuery(ref.name))).filter((item) => {
    const sk = item.sk?.S ?? '';
    return sk === versionKey(ref).sk?.S || sk.startsWith(rebuildSegmentPrefix(ref));
  });
  const all = [...items, ...registry];
  await table.batchWrite(all.map((item) => ({ DeleteRequest: { Key: { pk: item.pk!, sk: item.sk! } } })));
  const count = (prefix: string) => items.filter((item) => item.pk?.S?.startsWith(prefix)).length;
  const documents = count(prefixes.documents);
  const checkpoints = count(prefixes.checkpoints);
  const deadLetters = count(prefixes.deadLetters);
  return { documents, checkpoints, deadLetters, other: all.length - documents - checkpoints - deadLetters };
}
