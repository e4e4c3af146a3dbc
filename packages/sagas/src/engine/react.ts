import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '@dynamo-es/event-store';
import type { Projection } from '@dynamo-es/projections';
import {
  type ApplyRules,
  applyStream,
  type EventRangeReader,
  eventsToApply,
  isParked,
  StreamCheckpoints,
  type StreamJob,
  type StreamStep,
} from '@dynamo-es/projections/internal';

/** Counts of one batch, for logs and benchmarks. */
export interface ReactionStats {
  /** Events gone past for good (handled, not correlated, or dead-lettered). */
  applied: number;
  /** Delivered events at or below their checkpoint. */
  duplicates: number;
  /** Checkpoint writes that lost to a concurrent invocation (the stream is delivered again). */
  conflicts: number;
}

/** What {@link reactToJobs} did. */
export interface ReactionResult {
  /** Streams to deliver again, from this version on, with why. */
  readonly retryFrom: Map<string, { readonly version: number; readonly reason: unknown }>;
  readonly deadLetters: StreamStep['deadLetters'][number][];
  readonly stats: ReactionStats;
}

/**
 * Runs stream jobs through the projections engine with the saga's unit: per stream, the events
 * after the checkpoint (duplicates dropped, gaps read from the store) are applied in version order
 * by `applyStream` (the one poison policy), then each stream's checkpoint is written, conditioned
 * on the one read. The unit's side effects (saga steps, commands) happen before the checkpoint is
 * written; a crash in between redelivers them, and the saga stream makes them no-ops.
 */
export async function reactToJobs(input: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly unit: Projection;
  readonly rules: ApplyRules;
  readonly now: () => Date;
  readonly jobs: readonly StreamJob[];
  readonly read: EventRangeReader;
}): Promise<ReactionResult> {
  const { unit, jobs, rules, now } = input;
  const stats: ReactionStats = { applied: 0, duplicates: 0, conflicts: 0 };
  const retryFrom: ReactionResult['retryFrom'] = new Map();
  const retry = (streamId: string, version: number, reason: unknown) => {
    const known = retryFrom.get(streamId);
    if (!known || version < known.version) retryFrom.set(streamId, { version, reason });
  };
  const checkpoints = new StreamCheckpoints({ client: input.client, tableName: input.tableName, unit });
  try {
    await checkpoints.load(jobs.map((job) => job.streamId));
  } catch (reason) {
    for (const job of jobs) retry(job.streamId, lowest(job), reason);
    return { retryFrom, deadLetters: [], stats };
  }
  const steps: StreamStep[] = [];
  await mapLimit(jobs, 8, async (job) => {
    const checkpoint = checkpoints.checkpoint(job.streamId);
    if (isParked(checkpoint, job.resume)) return;
    let planned: Awaited<ReturnType<typeof eventsToApply>>;
    try {
      planned = await eventsToApply(input.read, job, checkpoint);
    } catch (reason) {
      retry(job.streamId, checkpoint.version + 1, reason);
      return;
    }
    stats.duplicates += planned.duplicates;
    const step = await applyStream({
      projection: unit,
      streamId: job.streamId,
      checkpoint,
      events: planned.events,
      state: checkpoints.view(),
      rules,
      now: now(),
    });
    if (step.outcome.kind === 'retry') retry(job.streamId, step.outcome.fromVersion, step.outcome.reason);
    else if (step.outcome.kind === 'more') retry(job.streamId, step.outcome.fromVersion, 'more to write');
    steps.push(step);
  });
  let written: Awaited<ReturnType<StreamCheckpoints['write']>>;
  try {
    written = await checkpoints.write(steps, now());
  } catch (error) {
    written = {
      committed: [],
      conflicted: [],
      failed: steps.map((step) => ({ streamId: step.streamId, error })),
    };
  }
  stats.conflicts += written.conflicted.length;
  const byStream = new Map(jobs.map((job) => [job.streamId, job]));
  for (const streamId of written.conflicted)
    retry(streamId, lowestOf(byStream, streamId), 'checkpoint moved');
  for (const { streamId, error } of written.failed) retry(streamId, lowestOf(byStream, streamId), error);
  const committed = new Set(written.committed);
  const done = steps.filter((step) => committed.has(step.streamId) || step.checkpoint === undefined);
  for (const step of done) stats.applied += step.applied;
  return { retryFrom, deadLetters: done.flatMap((step) => step.deadLetters), stats };
}

// Without a checkpoint written, the safe place to deliver again from is the lowest version delivered.
const lowest = (job: StreamJob): number =>
  job.delivered.length === 0 ? 1 : Math.min(...job.delivered.map((event) => event.version));

const lowestOf = (jobs: ReadonlyMap<string, StreamJob>, streamId: string): number => {
  const job = jobs.get(streamId);
  return job ? lowest(job) : 1;
};
