import type { EventItem, UpcasterChain } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamJob } from '../engine/contiguous-events.js';
import { type DeliveredEvent, decodeEvent, type WantedTypes } from '../engine/delivered-event.js';

/** A stream record that holds an event, with its position in the shard. */
export interface DeliveredRecord {
  readonly sequenceNumber: string;
  readonly event: DeliveredEvent;
}

const isRecord = (record: unknown): record is DynamoDBRecord => typeof record === 'object' && record !== null;

/**
 * Decodes the `INSERT` records of events (with the event store's codec and upcasters; an event
 * of a type no projection handles is never decoded) and drops everything else: `MODIFY` /
 * `REMOVE`, items that are not events, and entries that are not records at all.
 */
export function decodeRecords(
  records: readonly unknown[],
  upcasters: UpcasterChain,
  wanted: WantedTypes,
): DeliveredRecord[] {
  const decoded: DeliveredRecord[] = [];
  for (const record of records) {
    // Lambda never sends a null record, but a foreign or hand-made event must not crash the batch.
    if (!isRecord(record)) continue;
    const image = record.dynamodb?.NewImage as EventItem | undefined;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (record.eventName !== 'INSERT' || image === undefined || !sequenceNumber) continue;
    const event = decodeEvent(image, upcasters, wanted);
    if (event) decoded.push({ sequenceNumber, event });
  }
  return decoded;
}

/** Groups records by stream: one job per stream. */
export function toStreamJobs(records: readonly DeliveredRecord[]): StreamJob[] {
  const byStream = new Map<string, DeliveredEvent[]>();
  for (const { event } of records) {
    const events = byStream.get(event.streamId);
    if (events) events.push(event);
    else byStream.set(event.streamId, [event]);
  }
  return [...byStream].map(([streamId, delivered]) => ({ streamId, delivered }));
}

/** Newest `ApproximateCreationDateTime` of the records, in ms (entries that are not records skipped). */
export function newestArrival(records: readonly unknown[]): number | undefined {
  let newest: number | undefined;
  for (const record of records) {
    if (!isRecord(record)) continue;
    const seconds = record.dynamodb?.ApproximateCreationDateTime;
    if (typeof seconds === 'number' && (newest === undefined || seconds * 1000 > newest))
      newest = seconds * 1000;
  }
  return newest;
}
