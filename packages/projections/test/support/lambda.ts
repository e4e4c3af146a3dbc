import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type BatchHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface DeliveryOptions {
  /** Records per invocation (a number, or drawn per invocation). */
  readonly batchSize: number | (() => number);
  /** Injected crashes: `before` the handler runs, or `after` (its work done, its answer lost). */
  readonly crash?: (batch: readonly DynamoDBRecord[]) => 'before' | 'after' | undefined;
  readonly maxInvocations?: number;
}

/**
 * Delivers records (one shard, in the order given) to a handler the way Lambda's event source
 * mapping does with `ReportBatchItemFailures`: a thrown error retries the whole batch; reported
 * failures make it go on from the lowest failed sequence number, redelivering everything after it.
 */
export async function deliverLikeLambda(
  handler: BatchHandler,
  records: readonly DynamoDBRecord[],
  options: DeliveryOptions,
): Promise<{ invocations: number }> {
  const maxInvocations = options.maxInvocations ?? 10_000;
  let position = 0;
  let invocations = 0;
  while (position < records.length) {
    if (++invocations > maxInvocations)
      throw new Error(`still not delivered after ${maxInvocations} invocations`);
    const size = typeof options.batchSize === 'number' ? options.batchSize : options.batchSize();
    const batch = records.slice(position, position + Math.max(1, size));
    const crash = options.crash?.(batch);
    let response: DynamoDBBatchResponse;
    try {
      if (crash === 'before') throw new Error('injected crash before the handler');
      response = await handler({ Records: [...batch] });
      if (crash === 'after') throw new Error('injected crash after the handler');
    } catch {
      continue;
    }
    position += acknowledged(batch, response);
  }
  return { invocations };
}

/** How many records of the batch Lambda considers done, given the handler's answer. */
export function acknowledged(batch: readonly DynamoDBRecord[], response: DynamoDBBatchResponse): number {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return batch.length;
  const [lowest] = failures.map((failure) => BigInt(failure.itemIdentifier)).sort((a, b) => (a < b ? -1 : 1));
  const index = batch.findIndex((record) => BigInt(record.dynamodb?.SequenceNumber ?? '-1') === lowest);
  if (index < 0) throw new Error(`malformed batchItemFailures: ${lowest} is not in the batch`);
  return index;
}
