import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Logger, withSpan } from '@dynamo-es/event-store';
import type { EventSource, Projection } from '@dynamo-es/projections';
import {
  type ApplyRules,
  batchItemFailures,
  decodeRecords,
  EventReader,
  toStreamJobs,
} from '@dynamo-es/projections/internal';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type ReactionStats, reactToJobs } from './react.js';

/**
 * The Lambda handler of a saga: assignable to `DynamoDBStreamHandler`, and callable with a
 * `DynamoDBStreamEvent` (tests, the `StreamRunner` of `@dynamo-es/stream-runner`).
 *
 * @example
 * const { batchItemFailures } = await handler({ Records: records });
 */
export type SagaStreamHandler = (
  event: DynamoDBStreamEvent,
  context?: unknown,
) => Promise<DynamoDBBatchResponse>;

/** The parts of a saga's stream handler. */
export interface SagaHandlerParts {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly unit: Projection;
  readonly rules: ApplyRules;
  readonly eventStore: EventSource;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly onBatch?: (stats: ReactionStats) => void;
}

/**
 * The handler for the events table's stream: every source event the saga correlates, and every
 * step of its own streams, handled in version order per stream; `batchItemFailures` name the
 * streams to deliver again (from their first event not done), so one failing stream never holds
 * back the others.
 */
export function createSagaHandler(parts: SagaHandlerParts): SagaStreamHandler {
  const { unit, eventStore, logger } = parts;
  return async (event) => {
    const received: readonly unknown[] = Array.isArray(event?.Records) ? event.Records : [];
    const records = decodeRecords(received, eventStore.upcasters, unit.handles);
    const jobs = toStreamJobs(records);
    if (jobs.length === 0) return { batchItemFailures: [] };
    const attributes = { 'dynamo_es.records': records.length, 'dynamo_es.saga': unit.name };
    return withSpan('dynamo-es.saga-batch', attributes, async () => {
      const reader = new EventReader(eventStore, unit.handles);
      const retryFrom = new Map<string, number>();
      try {
        const result = await reactToJobs({ ...parts, jobs, read: reader.read });
        for (const [streamId, { version, reason }] of result.retryFrom) {
          retryFrom.set(streamId, version);
          log(logger, 'warn', 'dynamo-es: saga stream will be delivered again', {
            saga: unit.name,
            streamId,
            version,
            error: describe(reason),
          });
        }
        for (const { letter } of result.deadLetters) {
          log(logger, 'error', 'dynamo-es: saga trigger dead-lettered', { ...letter });
        }
        parts.onBatch?.(result.stats);
      } catch (error) {
        // Unexpected: deliver every stream again.
        log(logger, 'error', 'dynamo-es: saga batch failed', { saga: unit.name, error: describe(error) });
        for (const job of jobs) retryFrom.set(job.streamId, Math.min(...job.delivered.map((e) => e.version)));
      }
      return { batchItemFailures: batchItemFailures(records, retryFrom) };
    });
  };
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

function log(logger: Logger, level: 'warn' | 'error', message: string, fields: Record<string, unknown>) {
  try {
    logger[level](message, fields);
  } catch {
    // A logger that throws never fails a batch.
  }
}
