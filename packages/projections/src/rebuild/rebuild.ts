import { randomUUID } from 'node:crypto';
import { isConditionalCheckFailure } from '@dynamo-es/event-store';
import { applyBulk } from '../bulk/apply-bulk.js';
import { BulkState } from '../bulk/bulk-state.js';
import { dropJournal } from '../bulk/journal.js';
import { type DeliveredEvent, decodeEvent } from '../engine/delivered-event.js';
import { EventReader } from '../engine/event-reader.js';
import { InvalidProjectionError, ProjectionVersionExistsError, RebuildInterruptedError } from '../errors.js';
import type { EventSource } from '../event-source.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import { claimRebuildRequest, markReadyRequest } from '../requests/registry-requests.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { positive } from '../validation.js';
import { readVersion, registerVersion } from '../versions/version-registry.js';
import { catchUp } from './catch-up.js';
import { Mutex } from './mutex.js';
import { RebuildReporter } from './rebuild-reporter.js';
import { scanSegments } from './scan-segments.js';
import {
  claimSegments,
  listSegments,
  type SegmentPosition,
  saveProgress,
  undoUnsavedFlushes,
} from './segments.js';

/**
 * Options of `readModels.rebuild(projection, options)`.
 *
 * @example
 * const options: RebuildOptions = { segments: 8, onProgress: (p) => console.log(p.events) };
 */
export interface RebuildOptions {
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

const CHUNK_EVENTS = 200;
const MAX_SEGMENTS = 100;

/**
 * Rebuilds a version of a projection from every event of the events table (see `ReadModels.rebuild`).
 */
export async function rebuild(
  context: RebuildContext,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = Date.now();
  const { table, eventStore, observer, now } = context;
  const plan = segmentPlan(projection, options);
  const runId = randomUUID();
  await claimVersion(table, projection, plan, runId, {
    resume: options.resume === true,
    now: now().toISOString(),
  });
  const recorded = await listSegments(table, projection);
  const mine = plan.only.filter((segment) => !recorded.get(segment)?.done);
  if (options.resume) {
    const earlier = plan.only.flatMap((segment) => recorded.get(segment) ?? []);
    await undoUnsavedFlushes(table, projection, earlier);
  }
  await claimSegments(table, projection, mine, runId, options.resume === true);
  const reporter = new RebuildReporter(observer, projection);
  reporter.started(plan.total);
  const state = new BulkState(table, projection, {
    maxCachedDocuments: positive(options.maxCachedDocuments, 100_000, 'maxCachedDocuments'),
    fresh: plan.only.every((segment) => !recorded.has(segment)),
    ownDocumentsOnly: plan.split,
  });
  const positions = new Map<number, SegmentPosition>(
    mine.map((segment) => [segment, { segment, done: false, events: recorded.get(segment)?.events ?? 0 }]),
  );
  const counts = { scanned: 0, events: 0, deadLetters: 0 };
  const eventsBefore = [...recorded.values()].reduce((sum, record) => sum + record.events, 0);
  const doneBefore =
    plan.only.length -
    mine.length +
    [...recorded.values()].filter((r) => r.done && !plan.only.includes(r.segment)).length;
  const progress = (): RebuildProgress => ({
    scannedItems: counts.scanned,
    events: counts.events,
    eventsBefore,
    streams: state.streams,
    documentsWritten: state.documentsWritten,
    segmentsDone: doneBefore + [...positions.values()].filter((position) => position.done).length,
    totalSegments: plan.total,
    elapsedMs: Date.now() - started,
  });
  const report = () => {
    const current = progress();
    reporter.progress(current);
    options.onProgress?.(current);
  };
  const flushEvery = positive(options.flushEvery, 10_000, 'flushEvery');
  const flushIntervalMs = positive(options.flushIntervalMs, 30_000, 'flushIntervalMs');
  let lastFlush = Date.now();
  let generation = 0;
  // Split over processes, each writes only its streams' own documents, which hold their
  // checkpoints: an unfinished flush needs no undoing, so no journal.
  const journaled = !plan.split;
  const flush = async () => {
    generation++;
    const run = { runId, generation };
    const entries = await state.flush(now().toISOString(), journaled ? run : undefined);
    lastFlush = Date.now();
    const saved = await saveProgress(table, projection, [...positions.values()], run, now().toISOString());
    if (saved === 'taken-over') {
      throw new ProjectionVersionExistsError({
        projection: projection.name,
        version: projection.version,
        status: 'building (taken over by a resumed rebuild)',
      });
    }
    if (entries.length > 0) await dropJournal(table, projection, runId, generation, entries);
  };
  const mutex = new Mutex();
  await scanSegments({
    source: eventStore,
    totalSegments: plan.total,
    segments: mine.map((segment) => {
      const startKey = recorded.get(segment)?.startKey;
      return startKey ? { segment, startKey } : { segment };
    }),
    consistentRead: options.consistentScan ?? true,
    ...(options.pageSize === undefined ? {} : { limit: positive(options.pageSize, 1, 'pageSize') }),
    ...(options.signal ? { signal: options.signal } : {}),
    // One page at a time through the handlers (streams share documents); the other segments'
    // scans keep running meanwhile.
    onPage: (page) =>
      mutex.run(async () => {
        counts.scanned += page.items.length;
        const events = page.items.flatMap((item): DeliveredEvent[] => {
          const event = decodeEvent(item, eventStore.upcasters, projection.handles);
          return event ? [event] : [];
        });
        let applied = 0;
        for (let start = 0; start < events.length; start += CHUNK_EVENTS) {
          const tally = await applyBulk({
            state,
            projection,
            events: events.slice(start, start + CHUNK_EVENTS),
            read: new EventReader(eventStore, projection.handles).read,
            checkpointInterval: 100,
            now: now(),
          });
          applied += tally.events;
          counts.events += tally.events;
          counts.deadLetters += tally.deadLetters.length;
          for (const notice of tally.deadLetters)
            observer.deadLettered(projection, { ...notice, attempts: 1 });
          if (start + CHUNK_EVENTS < events.length) report();
        }
        const position = positions.get(page.segment) as SegmentPosition;
        positions.set(page.segment, {
          segment: page.segment,
          done: page.next === undefined,
          events: position.events + applied,
          ...(page.next ? { startKey: page.next } : {}),
        });
        if (state.pendingWrites >= flushEvery || Date.now() - lastFlush >= flushIntervalMs) await flush();
        report();
      }),
  });
  await mutex.run(flush);
  report();
  const finished = progress();
  if (mine.some((segment) => !positions.get(segment)?.done)) {
    const { segmentsDone, totalSegments } = finished;
    throw new RebuildInterruptedError({
      projection: projection.name,
      version: projection.version,
      segmentsDone,
      totalSegments,
    });
  }
  const segments = await listSegments(table, projection);
  const allDone = Array.from(
    { length: plan.total },
    (_, segment) => segments.get(segment)?.done === true,
  ).every(Boolean);
  const stats = { events: counts.events, streams: state.streams, documentsWritten: state.documentsWritten };
  let caughtUpStreams = 0;
  if (allDone && (await markReady(table, projection, stats, now().toISOString()))) {
    caughtUpStreams = await catchUp({ table, projection, eventStore, observer, now });
  }
  const result: RebuildResult = {
    projection: projection.name,
    version: projection.version,
    ...stats,
    deadLetters: counts.deadLetters,
    caughtUpStreams,
    durationMs: Date.now() - started,
    ready: allDone,
    segmentsDone: allDone ? plan.total : finished.segmentsDone,
    totalSegments: plan.total,
  };
  reporter.finished(result);
  return result;
}

interface SegmentPlan {
  readonly total: number;
  readonly only: readonly number[];
  /** Other processes run other segments. */
  readonly split: boolean;
}

function segmentPlan(projection: Projection, options: RebuildOptions): SegmentPlan {
  const total = positive(options.segments, 4, 'segments');
  if (total > MAX_SEGMENTS)
    throw new InvalidProjectionError('segments', `expected at most ${MAX_SEGMENTS}, got ${total}`);
  const all = Array.from({ length: total }, (_, segment) => segment);
  if (options.only === undefined) return { total, only: all, split: false };
  const only = [...new Set(options.only)];
  if (
    only.length === 0 ||
    only.some((segment) => !Number.isSafeInteger(segment) || segment < 0 || segment >= total)
  ) {
    throw new InvalidProjectionError(
      'only',
      `expected segments from 0 to ${total - 1}, got ${JSON.stringify(options.only)}`,
    );
  }
  const split = only.length < total;
  if (split && !projection.streamDocument) {
    throw new InvalidProjectionError(
      'only',
      'a rebuild split over processes needs streamDocument (each stream writing only its own document)',
    );
  }
  return { total, only: only.sort((a, b) => a - b), split };
}

/**
 * Registers the version `building` (unless it is: a prepared version) and records the rebuild's
 * segments. Refused for a version that is `live`, `ready`, or already being rebuilt, unless this
 * run resumes it or runs other segments of it.
 */
async function claimVersion(
  table: ReadModelTable,
  projection: Projection,
  plan: SegmentPlan,
  runId: string,
  { resume, now }: { readonly resume: boolean; readonly now: string },
): Promise<void> {
  const ref = { name: projection.name, version: projection.version };
  const record = await registerVersion(table, ref, 'building', now);
  const exists = (status: string) =>
    new ProjectionVersionExistsError({ projection: ref.name, version: ref.version, status });
  if (record.status !== 'building') throw exists(record.status);
  try {
    await table.update(claimRebuildRequest(ref, plan.total, runId, resume || plan.split));
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    const current = await readVersion(table, ref);
    if (current?.status === 'building' && current.segments !== undefined && current.segments !== plan.total) {
      throw new InvalidProjectionError(
        'segments',
        `the rebuild of ${ref.name} v${ref.version} runs ${current.segments} segments`,
      );
    }
    throw exists(
      current?.status === 'building' ? 'building (being rebuilt; resume it)' : (current?.status ?? 'missing'),
    );
  }
}

/** Makes the version `ready`; false when another process of a split rebuild did it first. */
async function markReady(
  table: ReadModelTable,
  projection: Projection,
  stats: Record<string, number>,
  now: string,
): Promise<boolean> {
  try {
    await table.update(markReadyRequest(projection, stats, now));
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}
