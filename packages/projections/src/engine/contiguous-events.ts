import { MissingEventsError } from '../errors.js';
import type { CheckpointState } from './checkpoint.js';
import { type DeliveredEvent, isStub } from './delivered-event.js';

/** Reads the events `from..to` of a stream (to its head without `to`), in version order; missing versions are absent. */
export type EventRangeReader = (streamId: string, from: number, to?: number) => Promise<DeliveredEvent[]>;

/** Work for one stream: what was delivered for it, and how far to go. */
export interface StreamJob {
  readonly streamId: string;
  /** Events delivered for the stream: any order, duplicates allowed. */
  readonly delivered: readonly DeliveredEvent[];
  /** Apply everything after the checkpoint up to the stream's head (catch-up, replay). */
  readonly toHead?: boolean;
  /** A dead-letter replay: unpark the stream parked at this version. */
  readonly resume?: number;
}

/** The events of a job to apply, and what was dropped and read to get them. */
export interface EventsToApply {
  /** In version order from the checkpoint on, without duplicates or gaps. */
  readonly events: DeliveredEvent[];
  /** Delivered events at or below the checkpoint, or delivered twice. */
  readonly duplicates: number;
  /** Versions the delivery lacked, read from the event store (gaps, or up to the head). */
  readonly filled: number;
}

/**
 * The events of a job to apply: the delivered ones after the checkpoint, with the versions the
 * delivery lacked read from the event store (one read of the missing range). A version the store
 * does not hold either ends the list as a stub carrying a {@link MissingEventsError}, so that it
 * fails like an event that cannot be decoded (counted, then dead-lettered) instead of blocking the
 * stream for ever. A failed read (DynamoDB) throws: nothing is counted against the events.
 */
export async function eventsToApply(
  read: EventRangeReader,
  job: StreamJob,
  checkpoint: CheckpointState,
): Promise<EventsToApply> {
  const byVersion = new Map<number, DeliveredEvent>();
  for (const event of job.delivered) {
    if (event.version <= checkpoint.version) continue;
    const known = byVersion.get(event.version);
    if (!known || (isStub(known) && !isStub(event))) byVersion.set(event.version, event);
  }
  const duplicates = job.delivered.length - byVersion.size;
  const first = checkpoint.version + 1;
  let fetched: DeliveredEvent[] = [];
  if (job.toHead) {
    fetched = await read(job.streamId, first + countFrom(byVersion, first));
  } else if (byVersion.size > 0) {
    const missing = missingRange(byVersion, first, highest(byVersion));
    if (missing) fetched = await read(job.streamId, missing[0], missing[1]);
  }
  let filled = 0;
  for (const event of fetched) {
    if (event.version < first) continue;
    const known = byVersion.get(event.version);
    if (!known) filled++;
    // A read covers the missing range whole, delivered versions inside it included: a stub read
    // (e.g. a rebuild source's skipped version) never replaces an event that was delivered.
    if (!known || isStub(known) || !isStub(event)) byVersion.set(event.version, event);
  }
  return { events: contiguous(job.streamId, byVersion, first), duplicates, filled };
}

const highest = (byVersion: Map<number, DeliveredEvent>) => Math.max(...byVersion.keys());

function countFrom(byVersion: Map<number, DeliveredEvent>, first: number): number {
  let count = 0;
  while (byVersion.has(first + count)) count++;
  return count;
}

function missingRange(
  byVersion: Map<number, DeliveredEvent>,
  first: number,
  last: number,
): [number, number] | undefined {
  let low: number | undefined;
  let high: number | undefined;
  for (let version = first; version <= last; version++) {
    if (byVersion.has(version)) continue;
    low ??= version;
    high = version;
  }
  return low === undefined || high === undefined ? undefined : [low, high];
}

function contiguous(
  streamId: string,
  byVersion: Map<number, DeliveredEvent>,
  first: number,
): DeliveredEvent[] {
  const events: DeliveredEvent[] = [];
  if (byVersion.size === 0) return events;
  const last = highest(byVersion);
  for (let version = first; version <= last; version++) {
    const event = byVersion.get(version);
    if (!event) {
      const error = new MissingEventsError({ streamId, fromVersion: version, toVersion: last });
      events.push({ stub: true, streamId, version, eventId: '', type: '', error });
      break;
    }
    events.push(event);
  }
  return events;
}
