import { ProjectionApplier } from '../apply/projection-applier.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { ReadModelTable } from '../storage/read-model-table.js';
import { clearPending, pendingStreams } from '../versions/pending-markers.js';
import type { RebuildOptions } from './rebuild-projection.js';

/**
 * Applies, through the live (transactional, exactly-once) path, what streams marked by live
 * handlers during the rebuild got after the scan read them. Live handlers apply to the version
 * from now on, concurrently: the checkpoints' conditions keep every event applied once.
 */
export async function catchUp(input: {
  options: RebuildOptions;
  table: ReadModelTable;
  now: () => Date;
  observer: ProjectionObserver;
}): Promise<number> {
  const { options, table, now, observer } = input;
  const ref = { name: options.projection.name, version: options.projection.version };
  const streamIds = await pendingStreams(table, ref);
  const applier = new ProjectionApplier({
    projection: options.projection,
    table,
    events: options.eventStore,
    maxAttempts: 1,
    maxRounds: 10,
    gapReadConcurrency: 16,
    checkpointInterval: 100,
    now,
    observer,
  });
  for (let start = 0; start < streamIds.length; start += 100) {
    const chunk = streamIds.slice(start, start + 100);
    let pending = chunk;
    for (let pass = 1; pending.length > 0; pass++) {
      const outcomes = await applier.apply(
        pending.map((streamId) => ({ streamId, delivered: [], toHead: true })),
      );
      const failed = [...outcomes].flatMap(([streamId, outcome]) =>
        outcome.kind === 'retry' ? [{ streamId, outcome }] : [],
      );
      // The version is ready and the markers stay: live handlers fill these streams on their next event.
      if (failed.length > 0 && pass >= 3) throw failed[0]?.outcome.reason;
      pending = failed.map((entry) => entry.streamId);
    }
    await clearPending(table, ref, chunk);
  }
  return streamIds.length;
}
