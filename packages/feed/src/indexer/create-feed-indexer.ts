import {
  type Logger,
  type Metrics,
  type MetricsSink,
  silentLogger,
  type Tracer,
  toMetrics,
  withSpan,
} from '@dynamo-es/event-store';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { InvalidFeedInputError } from '../errors.js';
import type { Feed } from '../feed.js';
import type { IndexOutcome } from './indexer.js';
import { batchItemFailures, type DeliveredHeader, deliveredHeaders } from './stream-records.js';

/** Options of {@link createFeedIndexer}. */
export interface FeedIndexerOptions {
  readonly feed: Feed;
  /**
   * Batches (`debug`, `info` when something was filled or lost a race) and failed streams
   * (`error`): `console`, Powertools' `Logger` or `createJsonLogger()`.
   */
  readonly logger?: Logger;
  /**
   * `FeedEventsIndexed`, `FeedDuplicatesSkipped`, `FeedGapsFilled`, `FeedBatchesWritten`,
   * `FeedConflicts`, `FeedStreamsFailed` (Count) and `FeedIndexerLag` (Milliseconds: now minus the
   * time the newest indexed event was written). A {@link Metrics}, `createEmbeddedMetrics()` or
   * Powertools' `Metrics` as it is; flush it once per invocation with `instrumentHandler`.
   */
  readonly metrics?: MetricsSink;
  /** Where the `dynamo-es.feed-index` span goes: Powertools' `Tracer` or an OpenTelemetry tracer. */
  readonly tracer?: Tracer;
}

/**
 * The indexer's Lambda handler: assignable to `DynamoDBStreamHandler` from `@types/aws-lambda`, and
 * callable directly with a `DynamoDBStreamEvent` (tests, a local stream runner).
 *
 * @example
 * const { batchItemFailures } = await indexer({ Records: records });
 */
export type FeedIndexerHandler = (
  event: DynamoDBStreamEvent,
  context?: unknown,
) => Promise<DynamoDBBatchResponse>;

/**
 * Creates the Lambda handler for the DynamoDB Stream of the events table that gives every event
 * its position in the feed, exactly once, whatever Lambda delivers (duplicates, reordering across
 * concurrent batches, retries, several shards at once). Configure the event source mapping with
 * `FunctionResponseTypes: ['ReportBatchItemFailures']`; a stream that cannot be indexed (a version
 * missing from the table) fails alone.
 *
 * @example
 * const store = new EventStore({ client, tableName: process.env.EVENTS_TABLE! });
 * const feed = new Feed({ client, tableName: process.env.FEED_TABLE!, eventStore: store });
 * export const handler: DynamoDBStreamHandler = createFeedIndexer({ feed });
 */
export function createFeedIndexer(options: FeedIndexerOptions): FeedIndexerHandler {
  const feed = options?.feed;
  if (typeof feed?.index !== 'function') throw new InvalidFeedInputError('feed', 'expected a Feed');
  const logger = options.logger ?? silentLogger;
  const metrics = toMetrics(options.metrics);
  const { tracer } = options;
  return async (event) => {
    const headers = deliveredHeaders(event?.Records ?? []);
    if (headers.length === 0) return { batchItemFailures: [] };
    const attributes = { 'dynamo_es.records': headers.length };
    return withSpan(
      'dynamo-es.feed-index',
      attributes,
      async () => {
        let outcome: IndexOutcome;
        try {
          outcome = await feed.index(headers);
        } catch (error) {
          // The feed itself is unreadable (corrupt): every stream of the batch comes again.
          logger.error('dynamo-es: feed indexing failed', { error: (error as Error).message });
          const all = new Set(headers.map((header) => header.streamId));
          metrics.record('FeedStreamsFailed', all.size, 'Count');
          return { batchItemFailures: batchItemFailures(headers, all) };
        }
        report(outcome, headers, { logger, metrics, now: feed.now().getTime() });
        return { batchItemFailures: batchItemFailures(headers, new Set(outcome.failed.keys())) };
      },
      tracer,
    );
  };
}

function report(
  outcome: IndexOutcome,
  headers: readonly DeliveredHeader[],
  sinks: { logger: Logger; metrics: Metrics; now: number },
): void {
  const { logger, metrics } = sinks;
  metrics.record('FeedEventsIndexed', outcome.indexed, 'Count');
  metrics.record('FeedDuplicatesSkipped', outcome.duplicates, 'Count');
  metrics.record('FeedGapsFilled', outcome.filled, 'Count');
  metrics.record('FeedBatchesWritten', outcome.batches.length, 'Count');
  metrics.record('FeedConflicts', outcome.conflicts, 'Count');
  metrics.record('FeedStreamsFailed', outcome.failed.size, 'Count');
  const newest = Math.max(
    ...headers
      .filter((header) => !outcome.failed.has(header.streamId))
      .map((header) => header.writtenAt ?? 0),
  );
  if (newest > 0) metrics.record('FeedIndexerLag', Math.max(0, sinks.now - newest), 'Milliseconds');
  const summary = {
    records: headers.length,
    indexed: outcome.indexed,
    duplicates: outcome.duplicates,
    filled: outcome.filled,
    batches: outcome.batches.map((batch) => `${batch.first}+${batch.count}`).join(','),
    conflicts: outcome.conflicts,
  };
  if (outcome.filled > 0 || outcome.conflicts > 0) logger.info('dynamo-es: feed batch indexed', summary);
  else logger.debug('dynamo-es: feed batch indexed', summary);
  for (const [streamId, error] of outcome.failed) {
    logger.error('dynamo-es: stream not indexed, its records come again', {
      streamId,
      error: (error as Error)?.message ?? String(error),
    });
  }
}
