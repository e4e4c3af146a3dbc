import type { ApplyResult, ProjectionApplier } from '../apply/projection-applier.js';
import type { StreamJob } from '../apply/types.js';
import type { BatchSummary } from '../observability/batch-summary.js';
import type { VersionGate } from '../versions/version-gate.js';

/** What one invocation shares with every projection it runs. */
export interface BatchContext {
  /** Event records in the batch. */
  readonly records: number;
  readonly now: () => Date;
  /** Newest `ApproximateCreationDateTime` of the batch, in ms: the lag when `recordedAt` is unreadable. */
  readonly newestArrivalMs: number | undefined;
}

/**
 * Runs one projection over a batch and reports it; returns the streams to redeliver, with the
 * version to redeliver from.
 */
export async function runProjectionBatch(
  applier: ProjectionApplier,
  gate: VersionGate,
  jobs: StreamJob[],
  batch: BatchContext,
): Promise<Map<string, number>> {
  const started = Date.now();
  const { observer } = applier.config;
  const retries = new Map<string, number>();
  let stats: ApplyResult['stats'] | undefined;
  try {
    const mode = await gate.admit(
      applier.ref,
      jobs.map((job) => job.streamId),
    );
    if (mode === 'marked') return retries;
    const result = await applier.run(jobs);
    stats = result.stats;
    for (const [streamId, outcome] of result.outcomes) {
      if (outcome.kind === 'retry') retries.set(streamId, outcome.fromVersion);
    }
  } catch (error) {
    // Unexpected (e.g. the read-model table is missing): redeliver every stream of the batch.
    observer.batchFailed(applier.ref, error);
    for (const job of jobs)
      retries.set(job.streamId, Math.min(...job.delivered.map((event) => event.version)));
  }
  observer.batchProcessed(applier.ref, summarize(stats, retries.size, Date.now() - started, batch));
  return retries;
}

function summarize(
  stats: ApplyResult['stats'] | undefined,
  streamsFailed: number,
  durationMs: number,
  batch: BatchContext,
): BatchSummary {
  const lagMs = lag(stats?.newestRecordedAt, batch);
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
function lag(newestRecordedAt: string | undefined, batch: BatchContext): number | undefined {
  if (newestRecordedAt === undefined) return undefined;
  const recorded = Date.parse(newestRecordedAt);
  const from = Number.isNaN(recorded) ? batch.newestArrivalMs : recorded;
  return from === undefined ? undefined : Math.max(0, batch.now().getTime() - from);
}
