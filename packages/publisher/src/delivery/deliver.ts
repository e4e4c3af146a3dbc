import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '@dynamo-es/event-store';
import type { Projection } from '@dynamo-es/projections';
import {
  type ApplyRules,
  applyStream,
  type DeliveredEvent,
  type EventRangeReader,
  eventsToApply,
  isParked,
  StreamCheckpoints,
  type StreamJob,
  type StreamStep,
} from '@dynamo-es/projections/internal';
import type { ClaimCheck } from '../claim-check/s3-claim-check.js';
import { isSinkRejectedError } from '../errors.js';
import type { Publication } from '../publication.js';
import type { SinkRetry } from '../sinks/send-all.js';
import type { Sink } from '../sinks/sink.js';
import { type MappedMessage, mappedKey, publicationUnit } from './publication-unit.js';
import { type Rejection, sendInWaves } from './waves.js';

/** How a publication is delivered: the same for the Lambda handler and dead-letter replays. */
export interface DeliveryConfig {
  readonly publication: Publication;
  /** Client and name of the read-model table, where checkpoints and dead letters live. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly sink: Sink;
  readonly claimCheck: ClaimCheck | undefined;
  readonly rules: ApplyRules;
  readonly retry: SinkRetry;
  readonly now: () => Date;
}

/** A stream job; a replay's resolution of the dead letter goes into the unparking write. */
export interface DeliveryJob extends StreamJob {
  readonly resolution?: TransactWriteItem;
}

/** What {@link deliverJobs} did. */
export interface DeliveryResult {
  /** Streams to deliver again, from this version on, with why. */
  readonly retryFrom: Map<string, { readonly version: number; readonly reason: unknown }>;
  readonly stats: DeliveryStats;
  /** Dead letters written. */
  readonly deadLetters: StreamStep['deadLetters'][number][];
  /** Streams whose step unparked them (replays). */
  readonly unparked: readonly string[];
}

/** Counts of one delivery, for logs, metrics and benchmarks. */
export interface DeliveryStats {
  /** Messages the sink accepted. */
  published: number;
  /** Sink requests sent (retries included). */
  requests: number;
  /** Delivered events at or below their checkpoint (already published). */
  duplicates: number;
  claimChecked: number;
  /** Checkpoint writes that lost to a concurrent invocation (the stream is delivered again). */
  conflicts: number;
}

interface Run {
  readonly job: DeliveryJob;
  readonly events: readonly DeliveredEvent[];
  step: StreamStep;
}

/**
 * Delivers stream jobs of one publication through the projections engine: per stream, the events
 * after its checkpoint (duplicates dropped, gaps read from the event store) are mapped by
 * `applyStream` (the poison policy: attempts, dead letter, parked stream); the messages are sent
 * in waves (a stream's message only after the one before it was accepted); then each stream's
 * checkpoint is written, conditionally, only as far as the sink accepted. A crash anywhere before
 * that write re-sends (at least once, same message ids); nothing is ever checkpointed unsent.
 */
export async function deliverJobs(
  config: DeliveryConfig,
  jobs: readonly DeliveryJob[],
  read: EventRangeReader,
): Promise<DeliveryResult> {
  const stats: DeliveryStats = { published: 0, requests: 0, duplicates: 0, claimChecked: 0, conflicts: 0 };
  const retryFrom: DeliveryResult['retryFrom'] = new Map();
  const mapped = new Map<string, MappedMessage>();
  const poisoned = new Map<string, unknown>();
  const unit = publicationUnit({
    ...config,
    claimChecked: config.claimCheck !== undefined,
    mapped,
    poisoned,
  });
  const checkpoints = new StreamCheckpoints({ client: config.client, tableName: config.tableName, unit });
  const retry = (job: StreamJob, version: number, reason: unknown) => {
    const known = retryFrom.get(job.streamId);
    if (!known || version < known.version) retryFrom.set(job.streamId, { version, reason });
  };
  try {
    await checkpoints.load(jobs.map((job) => job.streamId));
  } catch (reason) {
    for (const job of jobs) retry(job, lowest(job), reason);
    return { retryFrom, stats, deadLetters: [], unparked: [] };
  }
  const runs = await planRuns({ config, unit, checkpoints, jobs, read, stats, retry });
  const queues = new Map<string, MappedMessage[]>();
  for (const run of runs) queues.set(run.job.streamId, messagesOf(run, checkpoints, mapped));
  const sent = await sendInWaves({
    sink: config.sink,
    claimCheck: config.claimCheck,
    retry: config.retry,
    queues,
  });
  stats.published += sent.accepted;
  stats.requests += sent.requests;
  stats.claimChecked += sent.claimChecked;
  const steps = await settleRuns({
    config,
    unit,
    checkpoints,
    runs,
    rejected: sent.rejected,
    retry,
    poisoned,
  });
  const extras = new Map<string, TransactWriteItem[]>();
  for (const run of runs) {
    if (run.step.unparked && run.job.resolution) extras.set(run.job.streamId, [run.job.resolution]);
  }
  const written = await writeSteps(checkpoints, steps, config.now(), extras);
  stats.conflicts += written.conflicted.length;
  const unwritten = new Map<string, unknown>([
    ...written.conflicted.map(
      (streamId) => [streamId, 'a concurrent invocation moved the checkpoint'] as const,
    ),
    ...written.failed.map(({ streamId, error }) => [streamId, error] as const),
  ]);
  const committed = new Set(written.committed);
  for (const run of runs) {
    const reason = unwritten.get(run.job.streamId);
    if (reason !== undefined) retry(run.job, lowest(run.job), reason);
  }
  const done = runs.filter((run) => committed.has(run.job.streamId));
  return {
    retryFrom,
    stats,
    deadLetters: done.flatMap((run) => run.step.deadLetters),
    unparked: done.filter((run) => run.step.unparked).map((run) => run.job.streamId),
  };
}

type Retry = (job: StreamJob, version: number, reason: unknown) => void;

/** Each stream's events after its checkpoint, mapped by the engine (parked streams left out). */
async function planRuns(input: {
  readonly config: DeliveryConfig;
  readonly unit: Projection;
  readonly checkpoints: StreamCheckpoints;
  readonly jobs: readonly DeliveryJob[];
  readonly read: EventRangeReader;
  readonly stats: DeliveryStats;
  readonly retry: Retry;
}): Promise<Run[]> {
  const { config, unit, checkpoints, read, stats, retry } = input;
  const runs: Run[] = [];
  await mapLimit(input.jobs, 16, async (job) => {
    const checkpoint = checkpoints.checkpoint(job.streamId);
    if (isParked(checkpoint, job.resume)) return;
    let events: DeliveredEvent[];
    try {
      const planned = await eventsToApply(read, job, checkpoint);
      stats.duplicates += planned.duplicates;
      events = planned.events;
    } catch (reason) {
      // The event store could not be read: no attempt is counted against the events.
      retry(job, checkpoint.version + 1, reason);
      return;
    }
    const step = await applyStream(runOf(config, unit, checkpoints, job, events));
    runs.push({ job, events, step });
  });
  return runs;
}

/**
 * The steps to write once the sink answered: a stream stopped by a rejection gets the engine's
 * step for the events before the rejected one only (the checkpoint never passes an unaccepted
 * message), and is delivered again from it.
 */
async function settleRuns(input: {
  readonly config: DeliveryConfig;
  readonly unit: Projection;
  readonly checkpoints: StreamCheckpoints;
  readonly runs: readonly Run[];
  readonly rejected: ReadonlyMap<string, Rejection>;
  readonly retry: Retry;
  readonly poisoned: Map<string, unknown>;
}): Promise<StreamStep[]> {
  const { config, unit, checkpoints, retry } = input;
  const steps: StreamStep[] = [];
  for (const run of input.runs) {
    const rejection = input.rejected.get(run.job.streamId);
    if (rejection && isSinkRejectedError(rejection.error) && rejection.error.permanent) {
      run.step = await poisonStep(input, run, rejection);
    } else if (rejection) {
      retry(run.job, rejection.version, rejection.error);
      // A replay whose parked event itself was not accepted writes nothing: the stream stays parked.
      if (run.job.resume === rejection.version) continue;
      const prefix = run.events.filter((event) => event.version < rejection.version);
      run.step = await applyStream(runOf(config, unit, checkpoints, run.job, prefix));
    } else if (run.step.outcome.kind !== 'done') {
      const { outcome } = run.step;
      retry(run.job, outcome.fromVersion, outcome.kind === 'retry' ? outcome.reason : 'more to write');
    }
    steps.push(run.step);
  }
  return steps;
}

/**
 * A message the sink refused as such makes its event poison: the engine's step over the events up
 * to it, with that event failing, counts an attempt (delivered again from it) or dead-letters it
 * (parked; with `'skip-event'`, delivered again after it: its later messages were not sent).
 */
async function poisonStep(
  input: {
    readonly config: DeliveryConfig;
    readonly unit: Projection;
    readonly checkpoints: StreamCheckpoints;
    readonly retry: Retry;
    readonly poisoned: Map<string, unknown>;
  },
  run: Run,
  rejection: Rejection,
): Promise<StreamStep> {
  const { config, unit, checkpoints, retry } = input;
  input.poisoned.set(mappedKey({ streamId: run.job.streamId, version: rejection.version }), rejection.error);
  const upTo = run.events.filter((event) => event.version <= rejection.version);
  const step = await applyStream(runOf(config, unit, checkpoints, run.job, upTo));
  const { outcome } = step;
  if (outcome.kind !== 'done') retry(run.job, outcome.fromVersion, rejection.error);
  else if (
    step.checkpoint?.parkedAt === undefined &&
    run.events.some((event) => event.version > rejection.version)
  ) {
    retry(run.job, rejection.version + 1, rejection.error);
  }
  return step;
}

function runOf(
  config: DeliveryConfig,
  unit: Projection,
  checkpoints: StreamCheckpoints,
  job: DeliveryJob,
  events: readonly DeliveredEvent[],
) {
  return {
    projection: unit,
    streamId: job.streamId,
    checkpoint: checkpoints.checkpoint(job.streamId),
    events,
    state: checkpoints.view(),
    rules: config.rules,
    ...(job.resume === undefined ? {} : { resume: job.resume }),
    now: config.now(),
  };
}

/** The messages of the events a step went past, in version order. */
function messagesOf(run: Run, checkpoints: StreamCheckpoints, mapped: ReadonlyMap<string, MappedMessage>) {
  const upTo = run.step.checkpoint?.version ?? checkpoints.checkpoint(run.job.streamId).version;
  const messages: MappedMessage[] = [];
  for (const event of run.events) {
    if (event.version > upTo) break;
    const message = mapped.get(mappedKey(event));
    if (message) messages.push(message);
  }
  return messages;
}

async function writeSteps(
  checkpoints: StreamCheckpoints,
  steps: readonly StreamStep[],
  now: Date,
  extras: ReadonlyMap<string, readonly TransactWriteItem[]>,
) {
  try {
    return await checkpoints.write(steps, now, extras);
  } catch (error) {
    return {
      committed: [],
      conflicted: [],
      failed: steps.map((step) => ({ streamId: step.streamId, error })),
    };
  }
}

// Without a checkpoint written, the safe place to deliver again from is the lowest version delivered.
const lowest = (job: StreamJob): number =>
  job.delivered.length === 0 ? 1 : Math.min(...job.delivered.map((event) => event.version));
