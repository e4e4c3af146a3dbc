import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventStore, type Logger } from '@dynamo-es/event-store';
import { type Projection, ReadModels } from '@dynamo-es/projections';
import { type CheckpointStore, type FailedBatch, StreamRunner } from '@dynamo-es/stream-runner';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { LedgerDoc, LedgerEvent } from './ledger.js';
import type { LedgerTables } from './tables.js';

/** Keeps what the projection handler logs (retries, dead letters) instead of printing it. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: () => {},
    info: () => {},
    warn: (message, details) => lines.push(`WARN ${message} ${JSON.stringify(details ?? {})}`),
    error: (message, details) => lines.push(`ERROR ${message} ${JSON.stringify(details ?? {})}`),
  };
}

export interface LedgerRunnerOptions {
  /** For the runner's `DescribeTable`, the read-model writes and the store's gap reads. */
  readonly client: DynamoDBClient;
  readonly streamsClient?: DynamoDBStreamsClient;
  readonly tables: LedgerTables;
  readonly projection: Projection<LedgerEvent, LedgerDoc>;
  readonly checkpointStore?: CheckpointStore;
  /** The projection handler's `maxAttempts` before dead-lettering (default 5). */
  readonly maxAttempts?: number;
  /** The runner's `maxRetries` before `onFailure` (default 20: the handler's own bound must come first). */
  readonly maxRetries?: number;
  /** Told after each invocation that returned, with its records (e.g. to measure projection lag). */
  readonly afterBatch?: (event: DynamoDBStreamEvent) => void;
}

export interface LedgerRunner {
  readonly runner: StreamRunner;
  /** Batches the runner gave up on (`onFailure`): should stay empty. */
  readonly failedBatches: FailedBatch[];
  /** Errors the runner retried by itself (`onError`). */
  readonly runnerErrors: unknown[];
  readonly logger: ReturnType<typeof recordingLogger>;
}

/**
 * Starts a `StreamRunner` on the events table's stream with `ReadModels.streamHandler` for the ledger
 * projection: the same path a deployment takes, minus Lambda. Fast polling for tests.
 */
export async function startLedgerRunner(options: LedgerRunnerOptions): Promise<LedgerRunner> {
  const logger = recordingLogger();
  const handler = new ReadModels({
    client: options.client,
    eventStore: new EventStore({ client: options.client, tableName: options.tables.events }),
    tableName: options.tables.readModels,
    logger,
  }).streamHandler([options.projection], { maxAttempts: options.maxAttempts ?? 5 });
  const failedBatches: FailedBatch[] = [];
  const runnerErrors: unknown[] = [];
  const runner = new StreamRunner({
    client: options.client,
    ...(options.streamsClient ? { streamsClient: options.streamsClient } : {}),
    tableName: options.tables.events,
    handler: async (event) => {
      const response = await handler(event);
      options.afterBatch?.(event);
      return response;
    },
    ...(options.checkpointStore ? { checkpointStore: options.checkpointStore } : {}),
    maxRetries: options.maxRetries ?? 20,
    pollIntervalMs: 20,
    maxPollIntervalMs: 100,
    retryBaseDelayMs: 5,
    maxRetryDelayMs: 100,
    onFailure: (batch) => {
      failedBatches.push(batch);
    },
    onError: (error) => {
      runnerErrors.push(error);
    },
  });
  await runner.start();
  return { runner, failedBatches, runnerErrors, logger };
}
