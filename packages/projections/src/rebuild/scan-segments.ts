import { type AttributeValue, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import type { EventSource } from '../event-source.js';

type Key = Record<string, AttributeValue>;

/** One page of a segment's scan, with where the next one starts (none: the segment is done). */
export interface ScannedPage {
  readonly segment: number;
  readonly items: Key[];
  readonly next: Key | undefined;
}

/**
 * Scans segments of the events table (`Segment` / `TotalSegments`), 1 MB pages, all at once, each
 * from its start key. A segment fetches one page ahead of the one being applied (back-pressure);
 * once `signal` aborts, no new page is requested.
 */
export async function scanSegments(options: {
  readonly source: EventSource;
  readonly totalSegments: number;
  readonly segments: readonly { readonly segment: number; readonly startKey?: Key }[];
  readonly consistentRead: boolean;
  /** Items per page (`Limit`); default: pages of 1 MB. */
  readonly limit?: number;
  readonly signal?: AbortSignal;
  readonly onPage: (page: ScannedPage) => Promise<void>;
}): Promise<void> {
  const { client, tableName } = options.source;
  // One failing segment stops the others from reading on.
  let failed = false;
  const stopped = () => failed || options.signal?.aborted === true;
  const scanSegment = async ({ segment, startKey }: { segment: number; startKey?: Key }) => {
    const page = (ExclusiveStartKey?: Key) =>
      client.send(
        new ScanCommand({
          TableName: tableName,
          Segment: segment,
          TotalSegments: options.totalSegments,
          ConsistentRead: options.consistentRead,
          ...(options.limit === undefined ? {} : { Limit: options.limit }),
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
    let next: Promise<ScanCommandOutput> | undefined = stopped() ? undefined : page(startKey);
    while (next) {
      const output: ScanCommandOutput = await next;
      const more = output.LastEvaluatedKey;
      next = more && !stopped() ? page(more) : undefined;
      if (failed) return;
      await options.onPage({ segment, items: output.Items ?? [], next: more });
    }
  };
  await Promise.all(
    options.segments.map((segment) =>
      scanSegment(segment).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
}
