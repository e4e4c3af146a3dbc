import type { EventItem, UpcasterChain } from '@dynamo-es/event-store';
import type { DynamoDBRecord } from 'aws-lambda';
import { decodeEvent } from '../apply/decode-event.js';
import type { DeliveredEvent, StreamJob } from '../apply/types.js';

/** A stream record that holds an event, with its position in the shard. */
export interface DeliveredRecord {
  readonly sequenceNumber: string;
  readonly event: DeliveredEvent;
}

/**
 * Decodes the `INSERT` records of events (with the event store's codec and upcasters) and drops
 * everything else: `MODIFY` / `REMOVE`, and items that are not events (snapshots, other types).
 * An event item that fails to decode or upcast is kept as an undecodable event, so it is retried
 * and eventually dead-lettered instead of silently skipped.
 */
export function decodeRecords(
  records: readonly DynamoDBRecord[],
  upcasters: UpcasterChain,
): DeliveredRecord[] {
  const decoded: DeliveredRecord[] = [];
  for (const record of records) {
    // Lambda never sends a null record, but a foreign or hand-made event must not crash the batch.
    if (typeof record !== 'object' || record === null) continue;
    const image = record.dynamodb?.NewImage as EventItem | undefined;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (record.eventName !== 'INSERT' || image === undefined || !sequenceNumber) continue;
    const event = decodeEvent(image, upcasters);
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
