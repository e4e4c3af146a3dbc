import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What every benchmark module receives: a client for the run's DynamoDB Local. */
export interface BenchContext {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A fresh client for the same endpoint (e.g. to count its requests in isolation). */
  newClient(): DynamoDBClient;
}

/** One printed table. Cells are preformatted strings or numbers. */
export interface BenchTable {
  readonly title: string;
  readonly rows: Record<string, string | number>[];
  /** Lines printed under the table (method, caveats). */
  readonly notes?: string[];
}

/** A benchmark module: `bench/<name>.bench.ts` default-exports one of these. */
export type Benchmark = (context: BenchContext) => Promise<BenchTable[]>;
