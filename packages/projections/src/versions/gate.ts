import type { ProjectionRef } from '../keys.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { markPending } from './pending-streams.js';
import { readVersion, registerVersion } from './version-registry.js';

const MAX_MARK_ATTEMPTS = 5;

/**
 * Decides, per batch, whether a live handler applies events to a projection version or only
 * marks their streams because a rebuild owns the version. `ready` and `live` never go back to
 * `building`, so once seen they are remembered for the life of the handler: one read per cold
 * start, none per batch.
 */
export class VersionGate {
  readonly #table: ReadModelTable;
  readonly #now: () => Date;
  readonly #applying = new Set<string>();

  constructor(table: ReadModelTable, now: () => Date) {
    this.#table = table;
    this.#now = now;
  }

  /** `apply` when events should be applied; `marked` when the streams were marked for the rebuild's catch-up. */
  async admit(ref: ProjectionRef, streamIds: readonly string[]): Promise<'apply' | 'marked'> {
    const id = `${ref.name}#${ref.version}`;
    for (let attempt = 0; attempt < MAX_MARK_ATTEMPTS; attempt++) {
      if (this.#applying.has(id)) return 'apply';
      const record =
        (await readVersion(this.#table, ref)) ??
        (await registerVersion(this.#table, ref, 'live', this.#now().toISOString()));
      if (record.status !== 'building') {
        this.#applying.add(id);
        return 'apply';
      }
      if (await markPending(this.#table, ref, streamIds)) return 'marked';
    }
    throw new Error(
      `Could not mark ${streamIds.length} streams pending for ${id}: transactions kept conflicting`,
    );
  }
}
