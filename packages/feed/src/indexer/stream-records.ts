import { type EventItem, readEventHeader } from '@dynamo-es/event-store';
import type { DynamoDBBatchItemFailure, DynamoDBRecord } from 'aws-lambda';
import type { IndexedHeader } from '../dynamodb/events-table.js';
import { ulidTime } from '../internal/ulid-time.js';

/** An event header delivered in a stream record, with where the record is in its shard. */
export interface DeliveredHeader extends IndexedHeader {
  readonly sequenceNumber: string;
  /** When the event was written (epoch ms): from its ULID id, else the record's approximate time. */
  readonly writtenAt: number | undefined;
}

/**
 * The headers of the `INSERT` records of events, read without decoding any body (so an event this
 * code cannot decode is indexed all the same); other records and items are left out.
 */
export function deliveredHeaders(records: readonly DynamoDBRecord[]): DeliveredHeader[] {
  const headers: DeliveredHeader[] = [];
  for (const record of records ?? []) {
    if (typeof record !== 'object' || record === null || record.eventName !== 'INSERT') continue;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    const header = readEventHeader(record.dynamodb?.NewImage as EventItem | undefined);
    if (!header || !sequenceNumber) continue;
    const approximate = record.dynamodb?.ApproximateCreationDateTime;
    const writtenAt =
      ulidTime(header.eventId) ?? (approximate === undefined ? undefined : approximate * 1000);
    const { streamId, version, type } = header;
    headers.push({ streamId, version, type, sequenceNumber, writtenAt });
  }
  return headers;
}

/**
 * The `batchItemFailures` for streams that were not indexed: the lowest sequence number of each
 * one's records, lowest first. Lambda checkpoints before the lowest and delivers everything after
 * it again; what the feed holds by then comes again as duplicates, which the indexer skips.
 */
export function batchItemFailures(
  headers: readonly DeliveredHeader[],
  failed: ReadonlySet<string>,
): DynamoDBBatchItemFailure[] {
  const lowest = new Map<string, string>();
  for (const { streamId, sequenceNumber } of headers) {
    if (!failed.has(streamId)) continue;
    const known = lowest.get(streamId);
    if (known === undefined || compareSequenceNumbers(sequenceNumber, known) < 0)
      lowest.set(streamId, sequenceNumber);
  }
  return [...lowest.values()].sort(compareSequenceNumbers).map((itemIdentifier) => ({ itemIdentifier }));
}

/** Sequence numbers are decimal strings of up to 40 digits: compare them as numbers. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const [left, right] = [BigInt(a), BigInt(b)];
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
