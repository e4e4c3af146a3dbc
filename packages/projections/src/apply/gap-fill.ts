import { isCorruptEventError, isUpcastError } from '@dynamo-es/event-store';
import { MissingEventsError } from '../errors.js';
import type { Checkpoint } from '../storage/checkpoint.js';
import { type DeliveredEvent, type EventSource, isUndecodable, type StreamJob } from './types.js';

/**
 * The events of a job to apply, in version order from the checkpoint on, without duplicates and
 * without gaps: versions the batch did not deliver are read from the event store (one query over
 * the missing range). Throws {@link MissingEventsError} if the store lacks a version.
 */
export async function eventsToApply(
  source: EventSource,
  job: StreamJob,
  checkpoint: Checkpoint,
): Promise<DeliveredEvent[]> {
  const byVersion = new Map<number, DeliveredEvent>();
  for (const event of job.delivered) {
    if (event.version <= checkpoint.version) continue;
    const known = byVersion.get(event.version);
    if (!known || (isUndecodable(known) && !isUndecodable(event))) byVersion.set(event.version, event);
  }
  const first = checkpoint.version + 1;
  if (job.toHead) {
    for (const event of await readRange(source, job.streamId, first + countFrom(byVersion, first))) {
      byVersion.set(event.version, event);
    }
  } else if (byVersion.size > 0) {
    const last = Math.max(...byVersion.keys());
    const missing = missingRange(byVersion, first, last);
    if (missing)
      for (const event of await readRange(source, job.streamId, missing[0], missing[1]))
        byVersion.set(event.version, event);
  }
  return contiguous(job.streamId, byVersion, first);
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
