import {
  type AttributeValue,
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';

export type ScannedItem = Record<string, AttributeValue>;

/** Options of {@link parallelScan}. */
export interface ParallelScanOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** `TotalSegments`: how many scans run at once. */
  readonly segments: number;
  /** Strongly consistent pages (twice the read cost): events written just before are not missed. */
  readonly consistentRead: boolean;
  /** Called with each page; a segment fetches at most one page ahead of it (back-pressure). */
  readonly onPage: (items: ScannedItem[], segment: number) => Promise<void>;
  /** Called when a segment has no more pages. */
  readonly onSegmentDone?: (segment: number) => void;
}

/** Scans a whole table with `Segment` / `TotalSegments`, 1 MB pages, every segment in parallel. */
export async function parallelScan(options: ParallelScanOptions): Promise<void> {
  const scanSegment = async (segment: number) => {
    const page = (ExclusiveStartKey?: ScannedItem) =>
      options.client.send(
        new ScanCommand({
          TableName: options.tableName,
          Segment: segment,
          TotalSegments: options.segments,
          ConsistentRead: options.consistentRead,
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
    // One page of look-ahead: the next page is on its way while this one is applied.
    let next: ReturnType<typeof page> | undefined = page();
    while (next) {
      const output: ScanCommandOutput = await next;
      next = output.LastEvaluatedKey ? page(output.LastEvaluatedKey) : undefined;
      await options.onPage(output.Items ?? [], segment);
    }
    options.onSegmentDone?.(segment);
  };
  await Promise.all(Array.from({ length: options.segments }, (_, segment) => scanSegment(segment)));
}
