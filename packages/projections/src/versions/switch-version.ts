import { listDeadLetters } from '../dead-letters/dead-letter-list.js';
import { ProjectionVersionNotReadyError, VersionHasDeadLettersError } from '../errors.js';
import type { ProjectionRef } from '../keys.js';
import { switchVersionRequest } from '../requests/registry-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { readVersion } from './version-registry.js';

/**
 * Points readers of a projection at another version, all at once (one item). Only a finished
 * rebuild (`ready`) or a live-built version (`live`) can serve readers, and, unless `force`, only
 * one without open dead letters: every parked stream has one, so this also refuses parked streams.
 */
export async function switchVersion(
  table: ReadModelTable,
  ref: ProjectionRef,
  options: { readonly force?: boolean; readonly now: string },
): Promise<void> {
  const record = await readVersion(table, ref);
  if (!record || record.status === 'building') {
    throw new ProjectionVersionNotReadyError({
      projection: ref.name,
      version: ref.version,
      status: record?.status ?? 'missing',
    });
  }
  if (!options.force) {
    const open = await listDeadLetters(table, ref, { status: 'open' });
    if (open.length > 0) {
      throw new VersionHasDeadLettersError({
        projection: ref.name,
        version: ref.version,
        openDeadLetters: open.length,
      });
    }
  }
  await table.put(switchVersionRequest(ref, options.now));
}
