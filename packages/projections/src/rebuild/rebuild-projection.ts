import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventShape, Logger, Metrics } from '@dynamo-es/event-store';
import { decodeEvent } from '../apply/decode-event.js';
import type { EventSource } from '../apply/types.js';
import type { ProjectionLogger } from '../observability/logger.js';
import { observerFor } from '../observability/observer-options.js';
import type { Projection } from '../projection.js';
import { ReadModelTable } from '../storage/read-model-table.js';
import { positive } from '../validation.js';
import { claimVersion, markVersionReady } from '../versions/registry.js';
import { catchUp } from './catch-up.js';
import { Mutex } from './mutex.js';
import { parallelScan } from './parallel-scan.js';
import { RebuildApplier } from './rebuild-applier.js';
import { RebuildReporter } from './rebuild-reporter.js';
import { RebuildState } from './rebuild-state.js';

/**
 * Options of {@link rebuildProjection}.
 *
 * @example
 * const options: RebuildOptions = { projection: accountsV2, eventStore, client, segments: 8 };
 */
export interface RebuildOptions {
  /** The projection; its `version` is the version built (bump it for a blue/green rebuild). */
  readonly projection: Projection<EventShape, unknown>;
  readonly eventStore: EventSource;
  /** Client for the read-model table (the events table is scanned with the event store's client). */
  readonly client: DynamoDBClient;
  /** The read-model table (default `${eventStore.tableName}-read-models`). */
  readonly readModelTable?: string;
  /** Parallel scan segments (default 4). */
  readonly segments?: number;
  /** Pending changes that trigger a bulk write (default 2,000 items). */
  readonly flushEvery?: number;
  /** Documents kept in memory; more are evicted after a flush and read back when needed (default 100,000). */
  readonly maxCachedDocuments?: number;
  /** Strongly consistent scan (default true; false halves the read cost). */
  readonly consistentScan?: boolean;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * Where the rebuild's start, progress (`info`, every 10 s), summary and dead letters (`error`)
   * are reported. Default: `eventStore.logger`.
   */
  readonly logger?: Logger | ProjectionLogger;
  /** `DeadLettered` (Count, dimension `projection`). Default: `eventStore.metrics`. */
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

/**
 * Reported after every scanned page.
 *
 * @example
 * onProgress: (p) => console.log(`${p.events} events, ${p.segmentsDone}/${p.totalSegments} segments`)
 */
export interface RebuildProgress {
  readonly scannedItems: number;
  readonly events: number;
  readonly streams: number;
  readonly documentsWritten: number;
  readonly segmentsDone: number;
  readonly totalSegments: number;
  readonly elapsedMs: number;
}

/**
 * What a rebuild did.
 *
 * @example
 * const { events, durationMs } = await rebuildProjection(options);
 */
export interface RebuildResult {
  readonly projection: string;
  readonly version: number;
  readonly events: number;
  readonly streams: number;
  readonly documentsWritten: number;
  readonly deadLetters: number;
  /** Streams that got events during the rebuild and were caught up by the live path afterwards. */
  readonly caughtUpStreams: number;
  readonly durationMs: number;
}

/**
 * Rebuilds a version of a projection's read model from every event in the events table: a
 * parallel `Scan`, per-stream version order, the projection's handlers over an in-memory state,
 * bulk writes with `BatchWriteItem`. The version is registered `building` first; live handlers
 * that run it meanwhile only mark the streams they see, and once the version is `ready` those
 * streams are caught up from the event store, exactly once. Readers see nothing of it until
 * {@link switchProjectionVersion}. Throws {@link ProjectionVersionExistsError} if the version
 * already exists: rebuild into a new version number.
 *
 * @example
 * const accountsV2 = defineProjection<BankEvent, Account>({ name: 'accounts', version: 2, handlers });
 * const result = await rebuildProjection({ projection: accountsV2, eventStore, client, segments: 8,
 *   onProgress: (p) => console.log(`${p.events} events`) });
 * await switchProjectionVersion({ client, tableName: 'events-read-models', projection: 'accounts', version: 2 });
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const { projection, eventStore } = options;
  const ref = { name: projection.name, version: projection.version };
  const table = new ReadModelTable(
    options.client,
    options.readModelTable ?? `${eventStore.tableName}-read-models`,
  );
  const rebuildId = randomUUID();
  await claimVersion(table, ref, rebuildId, now().toISOString());
  const observer = observerFor(options, eventStore);
  const reporter = new RebuildReporter(observer, ref);

  const segments = positive(options.segments, 4, 'segments');
  const flushEvery = positive(options.flushEvery, 2_000, 'flushEvery');
  const state = new RebuildState(
    ref,
    table,
    positive(options.maxCachedDocuments, 100_000, 'maxCachedDocuments'),
  );
  reporter.started(segments);
  const applier = new RebuildApplier({
    projection,
    state,
    events: eventStore,
    checkpointInterval: 100,
    now,
    observer,
  });
  const mutex = new Mutex();
  let scannedItems = 0;
  let segmentsDone = 0;
  const report = () => {
    const progress = {
      scannedItems,
      events: applier.events,
      streams: state.streams,
      documentsWritten: state.documentsWritten,
      segmentsDone,
      totalSegments: segments,
      elapsedMs: Date.now() - started,
    };
    reporter.progress(progress);
    options.onProgress?.(progress);
  };

  await parallelScan({
    client: eventStore.client,
    tableName: eventStore.tableName,
    segments,
    consistentRead: options.consistentScan ?? true,
    // One page at a time through the handlers (they share documents across streams); the other
    // segments' scans keep running meanwhile.
    onPage: (items) =>
      mutex.run(async () => {
        scannedItems += items.length;
        for (const item of items) {
          const event = decodeEvent(item, eventStore.upcasters);
          if (event) await applier.offer(event);
        }
        if (state.pendingWrites >= flushEvery) await state.flush(now().toISOString());
        report();
      }),
    onSegmentDone: () => segmentsDone++,
  });
  await state.flush(now().toISOString());
  report();
  const stats = { events: applier.events, streams: state.streams, documentsWritten: state.documentsWritten };
  await markVersionReady(table, ref, rebuildId, stats, now().toISOString());
  const caughtUpStreams = await catchUp({ options, table, now, observer });
  const result = {
    projection: ref.name,
    version: ref.version,
    ...stats,
    deadLetters: applier.deadLetters,
    caughtUpStreams,
    durationMs: Date.now() - started,
  };
  reporter.finished(result);
  return result;
}
