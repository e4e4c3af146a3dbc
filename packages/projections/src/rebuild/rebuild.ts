import { randomUUID } from 'node:crypto';
import { applyBulk } from '../bulk/apply-bulk.js';
import { BulkState } from '../bulk/bulk-state.js';
import { dropJournal } from '../bulk/journal.js';
import { type DeliveredEvent, decodeEvent } from '../engine/delivered-event.js';
import { EventReader } from '../engine/event-reader.js';
import { ProjectionVersionExistsError, RebuildInterruptedError } from '../errors.js';
import type { Projection } from '../projection.js';
import { positive } from '../validation.js';
import { catchUp } from './catch-up.js';
import { claimVersion, markReady, segmentPlan } from './claim.js';
import { Mutex } from './mutex.js';
import type { RebuildContext, RebuildOptions, RebuildProgress, RebuildResult } from './rebuild-options.js';
import { RebuildReporter } from './rebuild-reporter.js';
import { readSource, skippedByType, sourcePosition } from './rebuild-source.js';
import { scanSegments } from './scan-segments.js';
import {
  claimSegments,
  listSegments,
  type SegmentPosition,
  saveProgress,
  undoUnsavedFlushes,
} from './segments.js';

const CHUNK_EVENTS = 200;

export type { RebuildContext, RebuildOptions, RebuildProgress, RebuildResult } from './rebuild-options.js';

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
  // A fresh reader per chunk: its cache of ranges read lives no longer than the chunk.
  const reader = options.source
    ? () => skippedByType
    : () => new EventReader(eventStore, projection.handles).read;
  // One page at a time through the handlers (streams share documents); the other segments'
  // scans keep running meanwhile.
  const applyPage = (page: {
    segment: number;
    scanned: number;
    events: readonly DeliveredEvent[];
    next: SegmentPosition['startKey'];
  }) =>
    mutex.run(async () => {
      counts.scanned += page.scanned;
      const { events } = page;
      let applied = 0;
      for (let start = 0; start < events.length; start += CHUNK_EVENTS) {
        const tally = await applyBulk({
          state,
          projection,
          events: events.slice(start, start + CHUNK_EVENTS),
          read: reader(),
          now: now(),
        });
        applied += tally.events;
        counts.events += tally.events;
        counts.deadLetters += tally.deadLetters.length;
        for (const notice of tally.deadLetters) observer.deadLettered(projection, { ...notice, attempts: 1 });
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
    });
  if (options.source) {
    // In the source's order (a feed's global order), only the projection's types: one segment,
    // whose recorded position is the source's.
    await readSource({
      source: options.source,
      types: projection.eventTypes,
      fromPosition: sourcePosition(recorded.get(0)?.startKey),
      ...(options.signal ? { signal: options.signal } : {}),
      onPage: ({ events, next }) => applyPage({ segment: 0, scanned: events.length, events, next }),
    });
  } else {
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
      onPage: (page) =>
        applyPage({
          segment: page.segment,
          scanned: page.items.length,
          events: page.items.flatMap((item): DeliveredEvent[] => {
            const event = decodeEvent(item, eventStore.upcasters, projection.handles);
            return event ? [event] : [];
          }),
          next: page.next,
        }),
    });
  }
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
