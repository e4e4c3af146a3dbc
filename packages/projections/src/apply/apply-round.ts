import type { StoredEvent } from '@dynamo-es/event-store';
import { deadLetterSize, describeError, newDeadLetter, putDeadLetter } from '../codec/dead-letter-codec.js';
import type { EventLayer } from '../engine/read-model-context.js';
import { isReplayFailedError, ReplayFailedError, TooManyChangesError } from '../errors.js';
import type { ProjectionRef } from '../keys.js';
import type { CheckpointState } from '../storage/checkpoint.js';
import { mapLimit } from './map-limit.js';
import { type Plan, planStream } from './plan-stream.js';
import type { ApplierConfig } from './projection-applier.js';
import { type ApplyTotals, RoundTally } from './round-tally.js';
import { type DeliveredEvent, isUndecodable, type StreamJob, type StreamOutcome } from './types.js';
import { UnitOfWork } from './unit-of-work.js';

type Step = 'continue' | 'stop';

/** Thrown inside a round when a commit lost a condition race; the round ends there. */
class Conflict extends Error {}

/** What a round decided, and what it did for good (for logs and metrics). */
export interface RoundResult {
  readonly outcomes: Map<string, StreamOutcome>;
  /** Streams to apply again in a new round (they lost a condition race). */
  readonly retry: StreamJob[];
  readonly totals: ApplyTotals;
  /** Duplicates skipped and events read to fill gaps, as planned against the checkpoints read. */
  readonly planned: { readonly duplicates: number; readonly filled: number };
}

/** One pass over the jobs: read checkpoints, fill gaps, apply, commit. See {@link ProjectionApplier}. */
export class ApplyRound {
  readonly #config: ApplierConfig;
  readonly #ref: ProjectionRef;
  readonly #uow: UnitOfWork;
  readonly #outcomes = new Map<string, StreamOutcome>();
  /** Streams with writes in the transaction being built: undecided until it commits. */
  readonly #inPending = new Set<string>();
  /** Last version each stream got through in this round (applied, or skipped without a handler). */
  readonly #position = new Map<string, number>();
  /** Streams being unparked by a replay, with the version they were parked at. */
  readonly #resuming = new Map<string, number>();
  readonly #tally = new RoundTally();

  constructor(config: ApplierConfig, ref: ProjectionRef) {
    this.#config = config;
    this.#ref = ref;
    this.#uow = new UnitOfWork(ref, config.table);
  }

  async run(jobs: readonly StreamJob[]): Promise<RoundResult> {
    const planned = { duplicates: 0, filled: 0 };
    try {
      await this.#uow.load(
        jobs.map((job) => job.streamId),
        jobs.flatMap((job) => job.delivered.flatMap((event) => this.#prefetchKeys(event))),
      );
    } catch (error) {
      for (const job of jobs) this.#outcomes.set(job.streamId, this.#retryOutcome(job, error));
      return this.#result([], planned);
    }
    const plans = await mapLimit(jobs, this.#config.gapReadConcurrency, (job) =>
      planStream(this.#config.events, job, this.#uow.checkpoint(job.streamId)),
    );
    for (const plan of plans) {
      planned.duplicates += plan.duplicates;
      planned.filled += plan.filled;
    }
    try {
      for (const plan of plans) await this.#applyPlan(plan);
      await this.#commit();
    } catch (error) {
      if (isReplayFailedError(error)) throw error;
      if (!(error instanceof Conflict)) return this.#failUndecided(jobs, error, planned);
      for (const streamId of this.#inPending) this.#outcomes.delete(streamId);
      return this.#result(
        jobs.filter((job) => !this.#outcomes.has(job.streamId)),
        planned,
      );
    }
    return this.#result([], planned);
  }

  #result(retry: StreamJob[], planned: RoundResult['planned']): RoundResult {
    this.#tally.discard(retry.map((job) => job.streamId));
    return { outcomes: this.#outcomes, retry, totals: this.#tally.totals(), planned };
  }

  #prefetchKeys(event: DeliveredEvent): string[] {
    return isUndecodable(event) ? [] : this.#config.projection.prefetchKeys(event);
  }

  async #applyPlan(plan: Plan): Promise<void> {
    const { streamId } = plan.job;
    if (plan.kind === 'done') this.#outcomes.set(streamId, { kind: 'done' });
    if (plan.kind === 'retry') this.#outcomes.set(streamId, this.#retryOutcome(plan.job, plan.reason));
    if (plan.kind !== 'apply') return;
    await this.#resume(plan.job);
    for (const event of plan.events) {
      if ((await this.#applyEvent(event)) === 'stop') return;
    }
    await this.#lazyCheckpoint(streamId);
    this.#outcomes.set(streamId, { kind: 'done' });
  }

  /** A replay unparks its stream in the same transaction that resolves the dead letter. */
  async #resume(job: StreamJob): Promise<void> {
    const checkpoint = this.#uow.checkpoint(job.streamId);
    if (!job.resume || checkpoint.parkedAt !== job.resume.parkedAt) return;
    await this.#makeRoom(undefined, job.streamId, 1);
    this.#uow.addAction(job.resume.action, job.resume.size);
    this.#uow.setCheckpoint(job.streamId, { version: checkpoint.version });
    this.#inPending.add(job.streamId);
    this.#resuming.set(job.streamId, job.resume.parkedAt);
  }

  async #applyEvent(event: DeliveredEvent): Promise<Step> {
    if (isUndecodable(event)) return this.#fail(event, event.error);
    if (!this.#config.projection.handles(event.type)) return this.#advance(event, undefined);
    const layer = await this.#uow.runEvent((ctx) => this.#config.projection.apply(event, ctx));
    if (layer.readError !== undefined) {
      // Reading a document failed (DynamoDB, not the handler): not the event's fault, no attempt counted.
      this.#outcomes.set(event.streamId, {
        kind: 'retry',
        fromVersion: event.version,
        reason: layer.readError,
      });
      return 'stop';
    }
    if (layer.handlerError) return this.#fail(event, layer.handlerError.error);
    return this.#advance(event, layer);
  }

  async #advance(event: StoredEvent, layer: EventLayer | undefined): Promise<Step> {
    const { streamId, version } = event;
    const changes = layer !== undefined && layer.changes.size > 0;
    this.#position.set(streamId, version);
    // An event that changes nothing needs no write of its own (applying it again changes nothing).
    if (!changes && !this.#uow.hasPendingCheckpoint(streamId)) {
      this.#tally.applied(streamId, event.recordedAt);
      return 'continue';
    }
    if (!(await this.#makeRoom(layer, streamId))) {
      const { items, bytes } = this.#uow.size(layer, streamId);
      return this.#fail(event, new TooManyChangesError({ streamId, version, items, sizeBytes: bytes }));
    }
    if (layer) this.#uow.merge(layer);
    this.#uow.setCheckpoint(streamId, { version });
    this.#inPending.add(streamId);
    this.#tally.applied(streamId, event.recordedAt);
    return 'continue';
  }

  /** Commits the pending transaction first if it cannot take `layer`; false if even an empty one cannot. */
  async #makeRoom(layer: EventLayer | undefined, streamId: string, extraItems = 0): Promise<boolean> {
    if (this.#uow.fits(layer, streamId, extraItems)) return true;
    if (this.#uow.hasPendingWrites()) await this.#commit();
    return this.#uow.fits(layer, streamId, extraItems);
  }

  async #lazyCheckpoint(streamId: string): Promise<void> {
    const position = this.#position.get(streamId);
    const current = this.#uow.currentCheckpoint(streamId);
    if (position === undefined || position <= current.version) return;
    const behind = position - current.version >= this.#config.checkpointInterval;
    if (!behind && current.failedVersion === undefined) return;
    await this.#makeRoom(undefined, streamId);
    this.#uow.setCheckpoint(streamId, { version: position });
    this.#inPending.add(streamId);
  }

  /** A handler threw (or the event cannot be decoded, or is too big): count it, maybe dead-letter. */
  async #fail(event: DeliveredEvent, error: unknown): Promise<Step> {
    const { streamId, version } = event;
    if (this.#resuming.get(streamId) === version) {
      throw new ReplayFailedError({ streamId, version }, { cause: error });
    }
    const committed = this.#uow.checkpoint(streamId);
    const attempts = (committed.failedVersion === version ? (committed.attempts ?? 0) : 0) + 1;
    await this.#makeRoom(undefined, streamId, 1);
    this.#inPending.add(streamId);
    this.#position.set(streamId, version - 1);
    if (attempts < this.#config.maxAttempts) {
      const lastError = describeError(error).message;
      this.#uow.setCheckpoint(streamId, {
        version: version - 1,
        failedVersion: version,
        attempts,
        lastError,
      });
      this.#outcomes.set(streamId, { kind: 'retry', fromVersion: version, reason: error });
      this.#config.observer.eventRetried(this.#ref, event, attempts, error);
      return 'stop';
    }
    this.#deadLetter(event, error, attempts);
    if (this.#config.projection.onPoisonEvent === 'park-stream') {
      this.#uow.setCheckpoint(streamId, { version: version - 1, parkedAt: version });
      this.#outcomes.set(streamId, { kind: 'done' });
      return 'stop';
    }
    this.#uow.setCheckpoint(streamId, { version });
    this.#position.set(streamId, version);
    return 'continue';
  }

  #deadLetter(event: DeliveredEvent, error: unknown, attempts: number): void {
    const { projection, table, now } = this.#config;
    const letter = newDeadLetter({
      ref: this.#ref,
      policy: projection.onPoisonEvent,
      event,
      error,
      attempts,
      now: now(),
    });
    this.#uow.addAction(putDeadLetter(table.tableName, this.#ref, letter), deadLetterSize(letter));
    // Reported once the transaction that writes it commits.
    const { streamId, version, eventId, type: eventType } = event;
    this.#tally.deadLettered({ streamId, version, eventId, eventType, attempts, error });
  }

  async #commit(): Promise<void> {
    if (!this.#uow.hasPendingWrites()) return;
    if (!(await this.#uow.commit(this.#config.now().toISOString()))) throw new Conflict();
    this.#tally.committed(this.#inPending);
    this.#inPending.clear();
  }

  /** After an unexpected error: what was committed stays; everything else is delivered again. */
  #failUndecided(jobs: readonly StreamJob[], error: unknown, planned: RoundResult['planned']): RoundResult {
    const undecided = jobs.filter(
      (job) => !this.#outcomes.has(job.streamId) || this.#inPending.has(job.streamId),
    );
    for (const job of undecided) this.#outcomes.set(job.streamId, this.#retryOutcome(job, error));
    this.#tally.discard(undecided.map((job) => job.streamId));
    return this.#result([], planned);
  }

  #retryOutcome(job: StreamJob, reason: unknown): StreamOutcome {
    const checkpoint: CheckpointState = this.#uow.checkpoint(job.streamId);
    return { kind: 'retry', fromVersion: checkpoint.version + 1, reason };
  }
}
