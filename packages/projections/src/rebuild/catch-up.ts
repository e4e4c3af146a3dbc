import { EventReader } from '../engine/event-reader.js';
import { ONCE_RULES } from '../engine/rules.js';
import type { EventSource } from '../event-source.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { applyJobs } from '../transactional/applier.js';
import { applierConfig } from '../transactional/apply-round.js';
import { clearPending, pendingStreams } from '../versions/pending-streams.js';

const STREAMS_PER_PASS = 100;
const MAX_PASSES = 3;

/**
 * Applies, through the live (transactional, exactly-once) path, what the streams marked by live
 * handlers during the rebuild got after the scan read them. Live handlers apply to the version
 * from now on, concurrently: the checkpoints' conditions keep every event applied once.
 */
export async function catchUp(input: {
  readonly table: ReadModelTable;
  readonly projection: Projection;
  readonly eventStore: EventSource;
  readonly observer: ProjectionObserver;
  readonly now: () => Date;
}): Promise<number> {
  const { table, projection, observer, now } = input;
  const streamIds = await pendingStreams(table, projection);
  // Live handlers apply to the ready version concurrently: more conflict rounds than they get.
  const config = applierConfig({ projection, table, now, observer }, { rules: ONCE_RULES, maxRounds: 10 });
  for (let start = 0; start < streamIds.length; start += STREAMS_PER_PASS) {
    const chunk = streamIds.slice(start, start + STREAMS_PER_PASS);
    let pending = chunk;
    for (let pass = 1; pending.length > 0; pass++) {
      const reader = new EventReader(input.eventStore, projection.handles);
      const { outcomes } = await applyJobs(
        config,
        pending.map((streamId) => ({ streamId, delivered: [], toHead: true })),
        reader.read,
      );
      const failed = [...outcomes].flatMap(([streamId, outcome]) =>
        outcome.kind === 'retry' ? [{ streamId, outcome }] : [],
      );
      // The version is ready and the markers stay: live handlers fill these streams on their next event.
      if (failed.length > 0 && pass >= MAX_PASSES) throw failed[0]?.outcome.reason;
      pending = failed.map((entry) => entry.streamId);
    }
    await clearPending(table, projection, chunk);
  }
  return streamIds.length;
}
