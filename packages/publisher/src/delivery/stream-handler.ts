import { type Logger, withSpan } from '@dynamo-es/event-store';
import type { EventSource } from '@dynamo-es/projections';
import { batchItemFailures, decodeRecords, EventReader, toStreamJobs } from '@dynamo-es/projections/internal';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type DeliveryConfig, type DeliveryStats, deliverJobs } from './deliver.js';

/**
 * The Lambda handler of a publication: assignable to `DynamoDBStreamHandler`, and callable with a
 * `DynamoDBStreamEvent` (tests, the `StreamRunner` of `@dynamo-es/stream-runner`).
 *
 * @example
 * const { batchItemFailures } = await handler({ Records: records });
 */
export type PublicationStreamHandler = (
  event: DynamoDBStreamEvent,
  context?: unknown,
) => Promise<DynamoDBBatchResponse>;

/** The parts of a publication's stream handler. */
export interface HandlerParts {
  readonly config: DeliveryConfig;
  readonly eventStore: EventSource;
  readonly logger: Logger;
  /** Called with each invocation's counts (benchmarks, tests). */
  readonly onDelivered?: (stats: DeliveryStats) => void;
}

/**
 * The handler for the events table's stream: each selected event published at least once, in
 * version order per stream; `batchItemFailures` name the streams to deliver again (from their
 * first event not accepted), so one failing stream never holds back the others.
 */
export function createPublicationHandler(parts: HandlerParts): PublicationStreamHandler {
  const { config, eventStore, logger } = parts;
  const { publication } = config;
  return async (event) => {
    const received: readonly unknown[] = Array.isArray(event?.Records) ? event.Records : [];
    const records = decodeRecords(received, eventStore.upcasters, publication.handles);
    const jobs = toStreamJobs(records);
    if (jobs.length === 0) return { batchItemFailures: [] };
    const attributes = { 'dynamo_es.records': records.length, 'dynamo_es.publication': publication.name };
    return withSpan('dynamo-es.publish-batch', attributes, async () => {
      const reader = new EventReader(eventStore, publication.handles);
      const retryFrom = new Map<string, number>();
      try {
        const result = await deliverJobs(config, jobs, reader.read);
        for (const [streamId, { version, reason }] of result.retryFrom) {
          retryFrom.set(streamId, version);
          log(logger, 'warn', 'dynamo-es: publication stream will be delivered again', {
            publication: publication.name,
            streamId,
            version,
            error: describe(reason),
          });
        }
        for (const { letter } of result.deadLetters) {
          log(logger, 'error', 'dynamo-es: publication event dead-lettered', { ...letter });
        }
        parts.onDelivered?.(result.stats);
        log(logger, 'debug', 'dynamo-es: publication batch', {
          publication: publication.name,
          ...result.stats,
        });
      } catch (error) {
        // Unexpected (e.g. the read-model table is missing): deliver every stream again.
        log(logger, 'error', 'dynamo-es: publication batch failed', {
          publication: publication.name,
          error: describe(error),
        });
        for (const job of jobs) retryFrom.set(job.streamId, Math.min(...job.delivered.map((e) => e.version)));
      }
      return { batchItemFailures: batchItemFailures(records, retryFrom) };
    });
  };
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

function log(
  logger: Logger,
  level: 'debug' | 'warn' | 'error',
  message: string,
  fields: Record<string, unknown>,
) {
  try {
    logger[level](message, fields);
  } catch {
    // A logger that throws never fails a batch.
  }
}
