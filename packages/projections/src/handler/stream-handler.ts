import { withSpan } from '@dynamo-es/event-store';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamJob } from '../engine/contiguous-events.js';
import { EventReader } from '../engine/event-reader.js';
import { DEFAULT_RULES } from '../engine/rules.js';
import { InvalidProjectionError } from '../errors.js';
import type { EventSource } from '../event-source.js';
import type { BatchSummary } from '../observability/batch-summary.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { type ApplyResult, applyJobs } from '../transactional/applier.js';
import { APPLIER_DEFAULTS, type ApplierConfig, applierConfig } from '../transactional/apply-round.js';
import { positive } from '../validation.js';
import { VersionGate } from '../versions/gate.js';
import { batchItemFailures } from './batch-failures.js';
import { decodeRecords, newestArrival, toStreamJobs } from './delivered-records.js';

/**
 * Options of `readModels.streamHandler(projections, options)`.
 *
 * @example
 * const handler = readModels.streamHandler([accounts], { maxAttempts: 3 });
 */
export interface StreamHandlerOptions {
  /** Failed attempts on one (projection, stream, version) before it is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** Rounds of re-reading after losing a condition race to a concurrent invocation (default 5). */
  readonly maxConflictRounds?: number;
  /** Streams whose gaps are read from the event store at once (default 16). */
  readonly gapReadConcurrency?: number;
  /**
   * A stream whose events change no document gets its checkpoint written only once it is this
   * many versions behind (default 100): cheaper than a write per batch, a later gap read stays short.
   */
  readonly checkpointInterval?: number;
}

/**
 * The Lambda handler: assignable to `DynamoDBStreamHandler` from `@types/aws-lambda`, and callable
 * directly with a `DynamoDBStreamEvent` (tests, `StreamRunner` of `@dynamo-es/stream-runner`).
 *
 * @example
 * const { batchItemFailures } = await handler({ Records: records });
 */
export type ProjectionStreamHandler = (
  event: DynamoDBStreamEvent,
  context?: unknown,
) => Promise<DynamoDBBatchResponse>;

/** What a stream handler is made of (see `ReadModels.streamHandler`). */
export interface StreamHandlerParts {
  readonly projections: readonly Projection[];
  readonly table: ReadModelTable;
  readonly eventStore: EventSource;
  readonly observer: ProjectionObserver;
  readonly now: () => Date;
  readonly options: StreamHandlerOptions;
}

/**
 * The handler for the events table's stream: each event applied exactly once per (projection,
 * stream), in version order, whatever Lambda delivers; `batchItemFailures` name the streams to
 * deliver again, so one failing stream never holds back the others. All projections of an
 * invocation share its gap reads.
 */
export function createStreamHandler(parts: StreamHandlerParts): ProjectionStreamHandler {
  const configs = appliers(parts);
  const gate = new VersionGate(parts.table, parts.now);
  const { upcasters } = parts.eventStore;
  const wanted = (type: string) => parts.projections.some((projection) => projection.handles(type));
  const names = parts.projections.map((projection) => `${projection.name}#${projection.version}`).join(',');
  return async (event) => {
    const received: readonly unknown[] = Array.isArray(event?.Records) ? event.Records : [];
    const records = decodeRecords(received, upcasters, wanted);
    const jobs = toStreamJobs(records);
    if (jobs.length === 0) return { batchItemFailures: [] };
    const attributes = { 'dynamo_es.records': records.length, 'dynamo_es.projections': names };
    return withSpan('dynamo-es.project-batch', attributes, async () => {
      const batch = { records: records.length, newestArrivalMs: newestArrival(received) };
      const reader = new EventReader(parts.eventStore, wanted);
      const retryFrom = new Map<string, number>();
      await Promise.all(
        configs.map(async (config) => {
          const retries = await runProjection(config, gate, jobs, reader, batch);
          for (const [streamId, version] of retries)
            retryFrom.set(streamId, Math.min(version, retryFrom.get(streamId) ?? version));
        }),
      );
      return { batchItemFailures: batchItemFailures(records, retryFrom) };
    });
  };
}

function appliers(parts: StreamHandlerParts): ApplierConfig[] {
  const { projections, options } = parts;
  if (!Array.isArray(projections) || projections.length === 0) {
    throw new InvalidProjectionError(
      'projections',
      'expected at least one projection from defineProjection()',
    );
  }
  const seen = new Set<string>();
  for (const projection of projections) {
    const id = `${projection?.name}#${projection?.version}`;
    if (typeof projection?.apply !== 'function') {
      throw new InvalidProjectionError('projections', 'expected projections from defineProjection()');
    }
    if (seen.has(id)) throw new InvalidProjectionError('projections', `"${id}" appears twice`);
    seen.add(id);
  }
  const overrides = {
    rules: {
      maxAttempts: positive(options?.maxAttempts, DEFAULT_RULES.maxAttempts, 'maxAttempts'),
      checkpointInterval: positive(
        options?.checkpointInterval,
        DEFAULT_RULES.checkpointInterval,
        'checkpointInterval',
      ),
    },
    maxRounds: positive(options?.maxConflictRounds, APPLIER_DEFAULTS.maxRounds, 'maxConflictRounds'),
    gapReadConcurrency: positive(
      options?.gapReadConcurrency,
      APPLIER_DEFAULTS.gapReadConcurrency,
      'gapReadConcurrency',
    ),
  };
  const { table, now, observer } = parts;
  return projections.map((projection) => applierConfig({ projection, table, now, observer }, overrides));
}

/**
 * Runs one projection over a batch and reports it; returns the streams to redeliver, with the
 * version to redeliver from.
 */
async function runProjection(
  config: ApplierConfig,
  gate: VersionGate,
  jobs: StreamJob[],
  reader: EventReader,
  batch: { readonly records: number; readonly newestArrivalMs: number | undefined },
): Promise<Map<string, number>> {
  const started = Date.now();
  const { observer, projection } = config;
  const retries = new Map<string, number>();
  let stats: ApplyResult['stats'] | undefined;
  try {
    const mode = await gate.admit(
      projection,
      jobs.map((job) => job.streamId),
    );
    if (mode === 'marked') return retries;
    const result = await applyJobs(config, jobs, reader.read);
    stats = result.stats;
    for (const [streamId, outcome] of result.outcomes) {
      if (outcome.kind === 'retry') retries.set(streamId, outcome.fromVersion);
    }
  } catch (error) {
    // Unexpected (e.g. the read-model table is missing): redeliver every stream of the batch.
    observer.batchFailed(projection, error);
    for (const job of jobs)
      retries.set(job.streamId, Math.min(...job.delivered.map((event) => event.version)));
  }
  observer.batchProcessed(
    projection,
    summarize(stats, retries.size, Date.now() - started, batch, config.now),
  );
  return retries;
}

function summarize(
  stats: ApplyResult['stats'] | undefined,
  streamsFailed: number,
  durationMs: number,
  batch: { readonly records: number; readonly newestArrivalMs: number | undefined },
  now: () => Date,
): BatchSummary {
  const lagMs = lag(stats?.newestRecordedAt, batch.newestArrivalMs, now);
  return {
    records: batch.records,
    applied: stats?.applied ?? 0,
    duplicatesSkipped: stats?.duplicates ?? 0,
    gapsFilled: stats?.filled ?? 0,
    deadLettered: stats?.deadLetters.length ?? 0,
    streamsFailed,
    transactions: stats?.transactions ?? 0,
    conflictRounds: stats?.conflictRounds ?? 0,
    durationMs,
    ...(lagMs === undefined ? {} : { lagMs }),
  };
}

/** Now minus the newest applied event's `recordedAt` (or the batch's arrival); none if nothing applied. */
function lag(newestRecordedAt: string | undefined, arrivalMs: number | undefined, now: () => Date) {
  if (newestRecordedAt === undefined) return undefined;
  const recorded = Date.parse(newestRecordedAt);
  const from = Number.isNaN(recorded) ? arrivalMs : recorded;
  return from === undefined ? undefined : Math.max(0, now().getTime() - from);
}
