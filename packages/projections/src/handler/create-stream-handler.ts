import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Logger, type Metrics, withSpan } from '@dynamo-es/event-store';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ProjectionApplier } from '../apply/projection-applier.js';
import type { EventSource } from '../apply/types.js';
import { InvalidProjectionError } from '../errors.js';
import type { ProjectionLogger } from '../observability/logger.js';
import { observerFor } from '../observability/observer-options.js';
import type { Projection } from '../projection.js';
import { ReadModelTable } from '../storage/read-model-table.js';
import { positive } from '../validation.js';
import { VersionGate } from '../versions/version-gate.js';
import { batchItemFailures } from './batch-failures.js';
import { decodeRecords, toStreamJobs } from './decode-records.js';
import { runProjectionBatch } from './run-projection-batch.js';

/**
 * Options of {@link createStreamHandler}.
 *
 * @example
 * const options: StreamHandlerOptions = { projections: [accounts], client, eventStore, maxAttempts: 3 };
 */
export interface StreamHandlerOptions {
  /** The projections to run; one name may appear with several versions (during a blue/green rebuild). */
  readonly projections: readonly Projection[];
  /** Client for the read-model table. Injected, never created here. */
  readonly client: DynamoDBClient;
  /** The event store whose table feeds the stream: its codec, upcasters, and reads fill gaps. */
  readonly eventStore: EventSource;
  /** The read-model table (default `${eventStore.tableName}-read-models`). */
  readonly readModelTable?: string;
  /** Failed attempts on one (projection, stream, version) before it is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** Rounds of re-reading after losing a condition race to a concurrent invocation (default 5). */
  readonly maxConflictRounds?: number;
  /** Streams whose gaps are read from the event store at once (default 16). */
  readonly gapReadConcurrency?: number;
  /** See {@link ApplierConfig.checkpointInterval} (default 100). */
  readonly checkpointInterval?: number;
  /**
   * Where batches (`debug`, or `info` when something happened), retries (`warn`), conflict rounds
   * (`info`) and dead letters (`error`) are reported. Default: `eventStore.logger` (quiet unless
   * the store was given one). A logger that throws never fails a batch.
   */
  readonly logger?: Logger | ProjectionLogger;
  /**
   * `EventsProjected`, `DuplicatesSkipped`, `GapsFilled`, `DeadLettered`, `BatchFailures` (Count)
   * and `ProjectionLag` (Milliseconds), each with the dimension `projection`. Default:
   * `eventStore.metrics`.
   */
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

/**
 * The Lambda handler: assignable to `DynamoDBStreamHandler` from `@types/aws-lambda`, and callable
 * directly with a `DynamoDBStreamEvent` (tests, `StreamRunner`).
 *
 * @example
 * const { batchItemFailures } = await handler({ Records: records });
 */
export type ProjectionStreamHandler = (
  event: DynamoDBStreamEvent,
  context?: unknown,
) => Promise<DynamoDBBatchResponse>;

/**
 * Creates the Lambda handler for a DynamoDB Stream of the events table. It applies each event
 * exactly once per (projection, stream), in version order, whatever Lambda delivers (duplicates,
 * reordering, gaps, retried batches), and answers with `batchItemFailures` so that one failing
 * stream never holds back the others. Configure the event source mapping with
 * `FunctionResponseTypes: ['ReportBatchItemFailures']`.
 *
 * @example
 * const eventStore = new EventStore({ client, tableName: process.env.EVENTS_TABLE! });
 * export const handler: DynamoDBStreamHandler = createStreamHandler({
 *   projections: [accounts, bankTotals],
 *   client,
 *   eventStore,
 *   readModelTable: process.env.READ_MODEL_TABLE,
 * });
 */
export function createStreamHandler(options: StreamHandlerOptions): ProjectionStreamHandler {
  const appliers = createAppliers(options);
  const gate = new VersionGate(
    appliers[0]?.config.table as ReadModelTable,
    options.now ?? (() => new Date()),
  );
  const { upcasters } = options.eventStore;
  const now = options.now ?? (() => new Date());
  const names = appliers.map((applier) => `${applier.ref.name}#${applier.ref.version}`).join(',');
  return async (event) => {
    const records = decodeRecords(event?.Records ?? [], upcasters);
    const jobs = toStreamJobs(records);
    if (jobs.length === 0) return { batchItemFailures: [] };
    const attributes = { 'dynamo_es.records': records.length, 'dynamo_es.projections': names };
    return withSpan('dynamo-es.project-batch', attributes, async () => {
      const batch = { records: records.length, now, newestArrivalMs: newestArrival(event.Records) };
      const retryFrom = new Map<string, number>();
      await Promise.all(
        appliers.map(async (applier) =>
          mergeRetries(retryFrom, await runProjectionBatch(applier, gate, jobs, batch)),
        ),
      );
      return { batchItemFailures: batchItemFailures(records, retryFrom) };
    });
  };
}

function newestArrival(records: readonly DynamoDBRecord[]): number | undefined {
  let newest: number | undefined;
  for (const record of records) {
    const seconds = record.dynamodb?.ApproximateCreationDateTime;
    if (seconds !== undefined && (newest === undefined || seconds * 1000 > newest)) newest = seconds * 1000;
  }
  return newest;
}

function mergeRetries(into: Map<string, number>, from: Map<string, number>): void {
  for (const [streamId, version] of from)
    into.set(streamId, Math.min(version, into.get(streamId) ?? version));
}

function createAppliers(options: StreamHandlerOptions): ProjectionApplier[] {
  if (!Array.isArray(options?.projections) || options.projections.length === 0) {
    throw new InvalidProjectionError(
      'projections',
      'expected at least one projection from defineProjection()',
    );
  }
  if (typeof options.client?.send !== 'function') {
    throw new InvalidProjectionError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
  }
  if (typeof options.eventStore?.read !== 'function') {
    throw new InvalidProjectionError('eventStore', 'expected the EventStore of the events table');
  }
  const seen = new Set<string>();
  for (const projection of options.projections) {
    const id = `${projection.name}#${projection.version}`;
    if (seen.has(id)) throw new InvalidProjectionError('projections', `"${id}" appears twice`);
    seen.add(id);
  }
  const observer = observerFor(options, options.eventStore);
  const table = new ReadModelTable(
    options.client,
    options.readModelTable ?? `${options.eventStore.tableName}-read-models`,
  );
  return options.projections.map(
    (projection) =>
      new ProjectionApplier({
        projection,
        table,
        events: options.eventStore,
        maxAttempts: positive(options.maxAttempts, 5, 'maxAttempts'),
        maxRounds: positive(options.maxConflictRounds, 5, 'maxConflictRounds'),
        gapReadConcurrency: positive(options.gapReadConcurrency, 16, 'gapReadConcurrency'),
        checkpointInterval: positive(options.checkpointInterval, 100, 'checkpointInterval'),
        now: options.now ?? (() => new Date()),
        observer,
      }),
  );
}
