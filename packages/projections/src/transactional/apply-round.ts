import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '@dynamo-es/event-store';
import { putDeadLetter } from '../codec/dead-letter-codec.js';
import {
  type ApplyRules,
  applyStream,
  isParked,
  type StreamOutcome,
  type StreamStep,
} from '../engine/apply-stream.js';
import {
  type EventRangeReader,
  type EventsToApply,
  eventsToApply,
  type StreamJob,
} from '../engine/contiguous-events.js';
import type { DeliveredEvent } from '../engine/delivered-event.js';
import { DEFAULT_RULES } from '../engine/rules.js';
import { isReplayFailedError } from '../errors.js';
import type { ProjectionObserver } from '../observability/projection-observer.js';
import type { Projection } from '../projection.js';
import type { ReadModelTable } from '../table/read-model-table.js';
import { type ApplyTotals, RoundTally } from './round-tally.js';
import { type StateView, TransactionalState } from './transactional-state.js';

/** A stream job of the transactional path: a replay's dead-letter resolution joins the unparking write. */
export interface TransactionalJob extends StreamJob {
  readonly resolution?: TransactWriteItem;
}

/** How the transactional applier behaves; the stream handler, catch-up and replay set these. */
export interface ApplierConfig {
  readonly projection: Projection;
  readonly table: ReadModelTable;
  readonly rules: ApplyRules;
  /** Rounds of re-reading and retrying after a conflicting concurrent invocation. */
  readonly maxRounds: number;
  /** Streams whose gaps are read from the event store at once. */
  readonly gapReadConcurrency: number;
  readonly now: () => Date;
  /** Where retries, dead letters and conflict rounds are reported. */
  readonly observer: ProjectionObserver;
}

/** What every transactional driver has; the rest of {@link ApplierConfig} has defaults. */
export interface ApplierBase {
  readonly projection: Projection;
  readonly table: ReadModelTable;
  readonly now: () => Date;
  readonly observer: ProjectionObserver;
}

/**
 * The one place an applier's configuration is assembled: the live path's defaults (5 attempts,
 * checkpoints every 100 versions, 5 conflict rounds, 16 gap reads at once), overridden by a driver.
 */
export function applierConfig(
  base: ApplierBase,
  overrides: Partial<Pick<ApplierConfig, 'rules' | 'maxRounds' | 'gapReadConcurrency'>> = {},
): ApplierConfig {
  return { ...APPLIER_DEFAULTS, ...base, ...overrides };
}

/** The live path's defaults. */
export const APPLIER_DEFAULTS = { rules: DEFAULT_RULES, maxRounds: 5, gapReadConcurrency: 16 } as const;

/** A stream's outcome once a round decided it: nothing to deliver again, or deliver again from a version. */
export type DecidedOutcome = Exclude<StreamOutcome, { kind: 'more' }>;

/** What a round decided, and what it did for good (for logs and metrics). */
export interface RoundResult {
  readonly outcomes: Map<string, DecidedOutcome>;
  /** Streams to apply again in a new round (they lost a condition race). */
  readonly retry: TransactionalJob[];
  readonly totals: ApplyTotals;
  /** Duplicates skipped and events read to fill gaps, as planned against the checkpoints read. */
  readonly planned: { readonly duplicates: number; readonly filled: number };
}

interface Plan extends Partial<EventsToApply> {
  readonly job: TransactionalJob;
  readonly failed?: { readonly reason: unknown };
}

type Attempt = { ok: true; step: StreamStep; view: StateView } | { ok: false; error: unknown };

/**
 * One pass over the jobs of one projection: read every checkpoint (and hinted documents) in one
 * `BatchGetItem` round, fill gaps, run every stream's events through the engine at once (their
 * document reads are batched), merge the steps in job order (a step that read what an earlier
 * stream changed is run again), and write in as few requests as the limits allow. Streams that
 * lose a condition race to a concurrent invocation go to a new round.
 */
export async function applyRound(
  config: ApplierConfig,
  jobs: readonly TransactionalJob[],
  read: EventRangeReader,
): Promise<RoundResult> {
  return new Round(config, read).run(jobs);
}

class Round {
  readonly #config: ApplierConfig;
  readonly #read: EventRangeReader;
  readonly #state: TransactionalState;
  readonly #outcomes = new Map<string, DecidedOutcome>();
  /** Steps merged and not written yet, by stream. */
  readonly #pending = new Map<string, StreamStep[]>();
  readonly #tally = new RoundTally();

  constructor(config: ApplierConfig, read: EventRangeReader) {
    this.#config = config;
    this.#read = read;
    this.#state = new TransactionalState(config.table, config.projection);
  }

  async run(jobs: readonly TransactionalJob[]): Promise<RoundResult> {
    const planned = { duplicates: 0, filled: 0 };
    try {
      const prefetch = jobs.flatMap((job) => job.delivered.flatMap((event) => this.#prefetchKeys(event)));
      await this.#state.load(
        jobs.map((job) => job.streamId),
        prefetch,
      );
    } catch (error) {
      for (const job of jobs) this.#outcomes.set(job.streamId, this.#retryOutcome(job, error));
      return this.#result([], planned);
    }
    const plans = await mapLimit(jobs, this.#config.gapReadConcurrency, (job) => this.#plan(job));
    for (const plan of plans) {
      planned.duplicates += plan.duplicates ?? 0;
      planned.filled += plan.filled ?? 0;
    }
    const running = plans.map((plan) => (plan.events ? this.#start(plan.job, plan.events) : undefined));
    try {
      for (const [index, plan] of plans.entries()) {
        if (!(await this.#settlePlan(plan, running[index])))
          return this.#result(this.#undecided(jobs), planned);
      }
      if (!(await this.#commit())) return this.#result(this.#undecided(jobs), planned);
    } catch (error) {
      if (isReplayFailedError(error)) throw error;
      return this.#failUndecided(jobs, error, planned);
    }
    return this.#result([], planned);
  }

  #prefetchKeys(event: DeliveredEvent): string[] {
    return 'stub' in event ? [] : this.#config.projection.prefetchKeys(event);
  }

  async #plan(job: TransactionalJob): Promise<Plan> {
    const checkpoint = this.#state.checkpoint(job.streamId);
    if (isParked(checkpoint, job.resume)) return { job, events: [], duplicates: 0, filled: 0 };
    try {
      return { job, ...(await eventsToApply(this.#read, job, checkpoint)) };
    } catch (reason) {
      // The event store could not be read: DynamoDB's fault, not the events'. No attempt counted.
      return { job, failed: { reason } };
    }
  }

  /** Runs a stream's events through the engine over a fresh view; never rejects. */
  #start(job: TransactionalJob, events: readonly DeliveredEvent[]): Promise<Attempt> {
    const view = this.#state.view();
    const { projection, rules, now } = this.#config;
    return applyStream({
      projection,
      streamId: job.streamId,
      checkpoint: this.#state.checkpoint(job.streamId),
      events,
      state: view,
      rules,
      ...(job.resume === undefined ? {} : { resume: job.resume }),
      now: now(),
    }).then(
      (step): Attempt => ({ ok: true, step, view }),
      (error): Attempt => ({ ok: false, error }),
    );
  }

  /** Merges a job's steps into the pending writes; false when the round ends (a lost race). */
  async #settlePlan(plan: Plan, running: Promise<Attempt> | undefined): Promise<boolean> {
    const { job } = plan;
    if (plan.failed || !running || !plan.events) {
      this.#outcomes.set(job.streamId, this.#retryOutcome(job, plan.failed?.reason));
      return true;
    }
    let events = plan.events;
    let attempt = await running;
    for (;;) {
      if (!attempt.ok) throw attempt.error;
      const { step, view } = attempt;
      // Read something a stream merged before it changed: run it again on the merged state.
      if (!view.valid()) {
        attempt = await this.#start(job, events);
        continue;
      }
      const extras = step.unparked && job.resolution ? [job.resolution] : [];
      if (!this.#state.fits(step, extras) && !(await this.#commit())) return false;
      this.#merge(step, extras);
      if (step.outcome.kind !== 'more') return true;
      if (!(await this.#commit())) return false;
      const from = step.outcome.fromVersion;
      events = events.filter((event) => event.version >= from);
      attempt = await this.#start(job, events);
    }
  }

  #merge(step: StreamStep, extras: readonly TransactWriteItem[]): void {
    const { table, projection } = this.#config;
    const letters = step.deadLetters.map(({ letter }) => putDeadLetter(table.tableName, projection, letter));
    this.#state.merge(step, extras, letters);
    if (step.checkpoint === undefined) {
      // Nothing to write (events without a handler, or a read that failed first): decided now.
      this.#decide(step);
      return;
    }
    this.#pending.set(step.streamId, [...(this.#pending.get(step.streamId) ?? []), step]);
  }

  #decide(step: StreamStep): void {
    this.#tally.settle(step, this.#config.projection, this.#config.observer);
    if (step.outcome.kind !== 'more') this.#outcomes.set(step.streamId, step.outcome);
  }

  /** Writes the pending steps; false when one lost a condition race (the round ends there). */
  async #commit(): Promise<boolean> {
    if (!this.#state.hasPendingWrites()) return true;
    const result = await this.#state.commit(this.#config.now().toISOString());
    this.#tally.written(result.writes);
    for (const streamId of result.committed) {
      for (const step of this.#pending.get(streamId) ?? []) this.#decide(step);
      this.#pending.delete(streamId);
    }
    for (const streamId of result.conflicted) this.#pending.delete(streamId);
    if (result.failed) {
      for (const streamId of result.failed.streams) this.#pending.delete(streamId);
      throw result.failed.error;
    }
    return result.conflicted.length === 0;
  }

  /** Jobs without an outcome yet: they go to another round. */
  #undecided(jobs: readonly TransactionalJob[]): TransactionalJob[] {
    return jobs.filter((job) => !this.#outcomes.has(job.streamId));
  }

  #result(retry: TransactionalJob[], planned: RoundResult['planned']): RoundResult {
    for (const job of retry) this.#outcomes.delete(job.streamId);
    return { outcomes: this.#outcomes, retry, totals: this.#tally.totals(), planned };
  }

  /** After an unexpected error: what was written stays; everything else is delivered again. */
  #failUndecided(
    jobs: readonly TransactionalJob[],
    error: unknown,
    planned: RoundResult['planned'],
  ): RoundResult {
    for (const job of this.#undecided(jobs)) this.#outcomes.set(job.streamId, this.#retryOutcome(job, error));
    return this.#result([], planned);
  }

  #retryOutcome(job: TransactionalJob, reason: unknown): DecidedOutcome {
    return { kind: 'retry', fromVersion: this.#state.checkpoint(job.streamId).version + 1, reason };
  }
}
