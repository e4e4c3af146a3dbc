import { isCorruptEventError, isUpcastError } from '@dynamo-es/event-store';
import { MissingEventsError } from '../errors.js';
import type { CheckpointState } from '../storage/checkpoint.js';
import { type DeliveredEvent, type EventSource, isUndecodable, type StreamJob } from './types.js';

/** The events of a job to apply, with what was dropped and what was read to get them. */
export interface EventsToApply {
  readonly events: DeliveredEvent[];
  /** Delivered events at or below the checkpoint, or delivered twice. */
  readonly duplicates: number;
  /** Versions the delivery lacked, read from the event store (gaps, or up to the head). */
  readonly filled: number;
}

/**
 * The events of a job to apply, in version order from the checkpoint on, without duplicates and
 * without gaps: versions the batch did not deliver are read from the event store (one query over
 * the missing range). Throws {@link MissingEventsError} if the store lacks a version.
 */
export async function eventsToApply(
  source: EventSource,
  job: StreamJob,
  checkpoint: CheckpointState,
): Promise<EventsToApply> {
  const byVersion = new Map<number, DeliveredEvent>();
  for (const event of job.delivered) {
    if (event.version <= checkpoint.version) continue;
    const known = byVersion.get(event.version);
    if (!known || (isUndecodable(known) && !isUndecodable(event))) byVersion.set(event.version, event);
  }
  const duplicates = job.delivered.length - byVersion.size;
  const first = checkpoint.version + 1;
  let read: DeliveredEvent[] = [];
  if (job.toHead) {
    read = await readRange(source, job.streamId, first + countFrom(byVersion, first));
  } else if (byVersion.size > 0) {
    const missing = missingRange(byVersion, first, Math.max(...byVersion.keys()));
    if (missing) read = await readRange(source, job.streamId, missing[0], missing[1]);
  }
  let filled = 0;
  for (const event of read) {
    if (!byVersion.has(event.version)) filled++;
    byVersion.set(event.version, event);
  }
  return { events: contiguous(job.streamId, byVersion, first), duplicates, filled };
}

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
  const last = byVersion.size === 0 ? first - 1 : Math.max(...byVersion.keys());
  for (let version = first; version <= last; version++) {
    const event = byVersion.get(version);
    if (!event) throw new MissingEventsError({ streamId, fromVersion: version, toVersion: last });
    events.push(event);
  }
  return events;
}

/**
 * Reads `from..to` (to the head without `to`). An event that cannot be upcast or decoded does
 * not stop the read: it becomes an {@link UndecodableEvent} in its place, which the applier
 * retries and eventually dead-letters like a failing handler.
 */
async function readRange(
  source: EventSource,
  streamId: string,
  from: number,
  to?: number,
): Promise<DeliveredEvent[]> {
  const events: DeliveredEvent[] = [];
  let next = from;
  while (to === undefined || next <= to) {
    try {
      for await (const event of source.read(streamId, {
        fromVersion: next,
        ...(to === undefined ? {} : { toVersion: to }),
      })) {
        events.push(event);
        next = event.version + 1;
      }
      return events;
    } catch (error) {
      if (!isUpcastError(error) && !isCorruptEventError(error)) throw error;
      // Reads are in version order and versions are contiguous: the failing item is `next`.
      events.push({ undecodable: true, streamId, version: next, eventId: '', type: '', error });
      next++;
    }
  }
  return events;
}
