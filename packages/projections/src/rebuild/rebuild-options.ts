import type { EventSource } from '../event-source.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import type { RebuildEventSource } from './rebuild-source.js';

/**
 * Options of `readModels.rebuild(projection, options)`.
 *
 * @example
 * const options: RebuildOptions = { segments: 8, onProgress: (p) => console.log(p.events) };
 */
export interface RebuildOptions {
  /**
   * Read the events from this ordered source instead of scanning the events table: e.g. a `Feed`
   * of `@dynamo-es/feed`, which gives every event of the projection's types in global order and
   * nothing else (other events are never read). One segment (no `segments`, `only`,
   * `consistentScan` or `pageSize`); `resume` goes on from the source position last saved.
   * Without it (or where no feed exists), the rebuild scans the events table.
   */
  readonly source?: RebuildEventSource;
  /** Parallel scan segments of the events table, 1 to 100 (default 4). */
  readonly segments?: number;
  /**
   * Run only these segments (0-based) in this process; other processes run the others with the
   * same `segments`. The projection must have `streamDocument`, and its handlers may write only
   * each stream's own document: a document shared by streams would be written by several
   * processes. The process that finishes the last segment makes the version `ready`.
   */
  readonly only?: readonly number[];
  /** Continue a version left `building` by an interrupted rebuild, from its segments' positions. */
  readonly resume?: boolean;
  /** Stops the rebuild at the next page: what was applied is written and the positions saved. */
  readonly signal?: AbortSignal;
  /** Pending writes that trigger a bulk write and a save of the positions (default 10,000). */
  readonly flushEvery?: number;
  /** Bulk-write and save the positions at least this often (default 30,000 ms): what a crash can cost. */
  readonly flushIntervalMs?: number;
  /** Documents kept in memory; more are evicted after a flush and read back when needed (default 100,000). */
  readonly maxCachedDocuments?: number;
  /** Strongly consistent scan (default true; false halves the read cost). */
  readonly consistentScan?: boolean;
  /** Items per scan page (the `Scan`'s `Limit`; default: pages of 1 MB). */
  readonly pageSize?: number;
  /** Called after every applied batch of events (at most 200 events each). */
  readonly onProgress?: (progress: RebuildProgress) => void;
}

/**
 * A rebuild's progress.
 *
 * @example
 * onProgress: (p) => console.log(`${p.events} events, ${p.segmentsDone}/${p.totalSegments} segments`)
 */
export interface RebuildProgress {
  /** Items of the events table scanned by this run. */
  readonly scannedItems: number;
  /** Events applied by this run. */
  readonly events: number;
  /** Events applied before this run started (resumed segments, segments other processes finished). */
  readonly eventsBefore: number;
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
 * const { events, deadLetters, ready } = await readModels.rebuild(accountsV2);
 */
export interface RebuildResult {
  readonly projection: string;
  readonly version: number;
  /** Events this run applied. */
  readonly events: number;
  readonly streams: number;
  readonly documentsWritten: number;
  readonly deadLetters: number;
  /** Streams that got events during the rebuild and were caught up by the live path afterwards. */
  readonly caughtUpStreams: number;
  readonly durationMs: number;
  /** The version is `ready` (false: other processes still run some of its segments). */
  readonly ready: boolean;
  readonly segmentsDone: number;
  readonly totalSegments: number;
}

/** What a rebuild works with. */
export interface RebuildContext {
  readonly table: ReadModelTable;
  readonly eventStore: EventSource;
  readonly observer: ProjectionObserver;
  readonly now: () => Date;
}
