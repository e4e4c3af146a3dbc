import type { DynamoDBBatchItemFailure } from 'aws-lambda';
import type { DeliveredRecord } from './delivered-records.js';

/**
 * The `batchItemFailures` for streams that must be delivered again from a version on: for each,
 * the sequence number of its first record at or after that version. Lambda checkpoints before
 * the lowest one and redelivers everything after it; records of other streams that come again
 * are skipped as duplicates by their checkpoints. Sorted, lowest first.
 */
export function batchItemFailures(
  records: readonly DeliveredRecord[],
  retryFrom: ReadonlyMap<string, number>,
): DynamoDBBatchItemFailure[] {
  const firstFailed = new Map<string, string>();
  for (const { sequenceNumber, event } of records) {
    const from = retryFrom.get(event.streamId);
    if (from === undefined || event.version < from) continue;
    const known = firstFailed.get(event.streamId);
    if (known === undefined || compareSequenceNumbers(sequenceNumber, known) < 0) {
      firstFailed.set(event.streamId, sequenceNumber);
    }
  }
  return [...firstFailed.values()].sort(compareSequenceNumbers).map((itemIdentifier) => ({ itemIdentifier }));
}

/** Sequence numbers are decimal strings of up to 40 digits: compare them as numbers. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const left = BigInt(a);
    const right = BigInt(b);
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
