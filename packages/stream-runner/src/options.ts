import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type Logger, type Metrics, type MetricsSink, silentLogger, toMetrics } from '@dynamo-es/event-store';
import type { DynamoDBStreamHandler } from 'aws-lambda';
import type { CheckpointStore } from './checkpoint-store.js';
import { InvalidRunnerOptionsError } from './errors.js';
import type { FailedBatch } from './failed-batch.js';

/** Where a shard without a checkpoint starts, like Lambda's `StartingPosition`. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/** Where an error reported to `onError` happened. */
export interface RunnerErrorContext {
  /** E.g. `'GetRecords'`, `'DescribeStream'`, `'CheckpointStore.put'`, `'onFailure'`. */
  readonly operation: string;
  readonly shardId?: string;
}

/**
 * Options of `new StreamRunner(...)`; only `client`, `tableName` and `handler` are required.
 *
 * @example
 * const options: StreamRunnerOptions = { client, tableName: 'events', handler, batchSize: 50, bisectOnError: true };
 */
export interface StreamRunnerOptions {
  /** Used for `DescribeTable` (to find the stream), and as the model of the Streams client if none is given. */
  readonly client: DynamoDBClient;
  /** The table whose stream is read (its `LatestStreamArn` when `start()` runs). */
  readonly tableName: string;
  /** Any Lambda handler for DynamoDB Streams, e.g. `readModels.streamHandler(...)` of `@dynamo-es/projections`. */
  readonly handler: DynamoDBStreamHandler;
  /** Default: a client built from `client`'s region, credentials and endpoint, destroyed on `stop()`. */
  readonly streamsClient?: DynamoDBStreamsClient;
  /** Records per invocation, 1 to 1,000 (one `GetRecords` page; default 100). */
  readonly batchSize?: number;
  /** For shards without a checkpoint when the runner starts (default `'TRIM_HORIZON'`). */
  readonly startingPosition?: StartingPosition;
  /** Shards read at the same time; each shard still has at most one batch in flight (default 10). */
  readonly parallelShards?: number;
  /** Redeliveries of a failing record before it goes to `onFailure` (default 3). */
  readonly maxRetries?: number;
  /** Split a batch in two when the handler throws, to isolate a poison record (default false). */
  readonly bisectOnError?: boolean;
  /** First retry delay; doubles per retry up to `maxRetryDelayMs` (defaults 200 and 30,000). */
  readonly retryBaseDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Pause after an empty page; doubles while a shard stays idle, up to `maxPollIntervalMs` (250 / 2,000). */
  readonly pollIntervalMs?: number;
  readonly maxPollIntervalMs?: number;
  /** How often `DescribeStream` looks for new shards, besides when a shard ends (default 10,000). */
  readonly shardDiscoveryIntervalMs?: number;
  /** Default: an {@link InMemoryCheckpointStore} of this runner. */
  readonly checkpointStore?: CheckpointStore;
  /**
   * Receives the records given up after the retries (the dead letter); the runner then acknowledges
   * them and moves on. If it throws, it is called again (with backoff) and the shard waits.
   * Default: the batch's shard and sequence range are logged with `console.error`.
   */
  readonly onFailure?: (batch: FailedBatch) => void | Promise<void>;
  /** Errors the runner retries by itself (throttling, network, checkpoint writes). Default: `console.warn`. */
  readonly onError?: (error: unknown, context: RunnerErrorContext) => void;
  /**
   * Where retried batches and records given up to `onFailure` are reported (`warn`). Default:
   * silent. A logger that throws never stops the runner.
   */
  readonly logger?: Logger;
  /**
   * `RecordsDelivered`, `BatchRetries`, `RecordsSentToOnFailure` (Count). Default: none.
   * Powertools' `Metrics` is taken as it is.
   */
  readonly metrics?: MetricsSink;
  /** `context.functionName` given to the handler (default `'dynamo-es-stream-runner'`). */
  readonly functionName?: string;
  /** Nominal budget behind `context.getRemainingTimeInMillis()`; never enforced (default 900,000). */
  readonly invocationTimeoutMs?: number;
}

/** Options with every default filled in. */
export type ResolvedRunnerOptions = Required<
  Omit<StreamRunnerOptions, 'streamsClient' | 'checkpointStore' | 'logger' | 'metrics'>
> &
  Pick<StreamRunnerOptions, 'streamsClient' | 'checkpointStore'> & {
    readonly logger: Logger;
    readonly metrics: Metrics;
  };

const DEFAULTS = {
  batchSize: 100,
  startingPosition: 'TRIM_HORIZON',
  parallelShards: 10,
  maxRetries: 3,
  bisectOnError: false,
  retryBaseDelayMs: 200,
  maxRetryDelayMs: 30_000,
  pollIntervalMs: 250,
  maxPollIntervalMs: 2_000,
  shardDiscoveryIntervalMs: 10_000,
  functionName: 'dynamo-es-stream-runner',
  invocationTimeoutMs: 900_000,
} as const;

/** GetRecords returns at most 1,000 records per call. */
export const MAX_BATCH_SIZE = 1_000;

const INTEGER_RANGES: Record<string, readonly [number, number]> = {
  batchSize: [1, MAX_BATCH_SIZE],
  parallelShards: [1, Number.POSITIVE_INFINITY],
  maxRetries: [0, Number.POSITIVE_INFINITY],
  retryBaseDelayMs: [0, Number.POSITIVE_INFINITY],
  maxRetryDelayMs: [0, Number.POSITIVE_INFINITY],
  pollIntervalMs: [1, Number.POSITIVE_INFINITY],
  maxPollIntervalMs: [1, Number.POSITIVE_INFINITY],
  shardDiscoveryIntervalMs: [1, Number.POSITIVE_INFINITY],
  invocationTimeoutMs: [1, Number.POSITIVE_INFINITY],
};

function assertInRange(option: string, value: unknown): void {
  const [min, max] = INTEGER_RANGES[option] ?? [0, 0];
  const integral = Number.isInteger(value) || value === Number.POSITIVE_INFINITY;
  if (typeof value !== 'number' || !integral || value < min || value > max) {
    throw new InvalidRunnerOptionsError(
      option,
      `expected an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
}

function assertRequired(options: StreamRunnerOptions): void {
  if (typeof options?.client?.send !== 'function') {
    throw new InvalidRunnerOptionsError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
  }
  if (typeof options.tableName !== 'string' || options.tableName.length < 3) {
    throw new InvalidRunnerOptionsError(
      'tableName',
      `expected a table name, got ${String(options.tableName)}`,
    );
  }
  if (typeof options.handler !== 'function') {
    throw new InvalidRunnerOptionsError('handler', 'expected a Lambda DynamoDBStreamHandler function');
  }
}

/**
 * Fills in defaults and checks every option.
 *
 * @throws {@link InvalidRunnerOptionsError} naming the first option at fault.
 */
export function resolveRunnerOptions(options: StreamRunnerOptions): ResolvedRunnerOptions {
  assertRequired(options);
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: ResolvedRunnerOptions = {
    ...DEFAULTS,
    onFailure: logFailedBatch,
    onError: logRunnerError,
    ...defined,
    logger: options.logger ?? silentLogger,
    metrics: toMetrics(options.metrics),
  } as ResolvedRunnerOptions;
  for (const option of Object.keys(INTEGER_RANGES)) {
    assertInRange(option, (resolved as unknown as Record<string, unknown>)[option]);
  }
  if (resolved.startingPosition !== 'TRIM_HORIZON' && resolved.startingPosition !== 'LATEST') {
    throw new InvalidRunnerOptionsError('startingPosition', "expected 'TRIM_HORIZON' or 'LATEST'");
  }
  return resolved;
}

function logFailedBatch(batch: FailedBatch): void {
  console.error(
    `[dynamo-es StreamRunner] gave up on ${batch.batchSize} record(s) of shard ${batch.shardId} ` +
      `(${batch.startSequenceNumber} to ${batch.endSequenceNumber}) after ${batch.attempts} attempt(s); ` +
      'set onFailure to keep them.',
    batch.error,
  );
}

function logRunnerError(error: unknown, context: RunnerErrorContext): void {
  const where = context.shardId === undefined ? '' : ` (shard ${context.shardId})`;
  console.warn(`[dynamo-es StreamRunner] ${context.operation} failed${where}; retrying.`, error);
}
