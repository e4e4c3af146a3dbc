import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type DeadLetter, describeError, newDeadLetter } from '../codec/dead-letter-codec.js';
import { ReplayFailedError, TooManyChangesError } from '../errors.js';
import type { Projection } from '../projection.js';
import { applyEvent } from './apply-event.js';
import { type CheckpointState, MAX_CHECKPOINT_ERROR_CHARS } from './checkpoint.js';
import { type DeliveredEvent, isStub } from './delivered-event.js';
import type { DocumentChange } from './read-model-context.js';

/** What one atomic write would hold: items and bytes, and whether that is within its limits. */
export interface WriteBudget {
  readonly items: number;
  readonly bytes: number;
  readonly fits: boolean;
}

/**
 * The documents a stream's events are applied to: the two backends (transactional for live
 * delivery, bulk for rebuilds) implement it.
 */
export interface DocumentState {
  /** A document's current encoded value (changes not yet written included); `undefined`: none. */
  read(key: string): Promise<AttributeValue | undefined>;
  /** No write limit (a bulk state): `budget` always fits, and is not asked. */
  readonly unbounded?: boolean;
  /** One atomic write of `changes` with the stream's checkpoint and `extraItems` more items. */
  budget(streamId: string, changes: ReadonlyMap<string, DocumentChange>, extraItems: number): WriteBudget;
}

/** The rules every driver applies events by. */
export interface ApplyRules {
  /** Failed attempts on one (projection, stream, version) before it is dead-lettered. */
  readonly maxAttempts: number;
  /**
   * A stream whose events change no document gets its checkpoint written only once it is this
   * many versions behind: cheaper than a write per batch, and a later gap read stays short.
   */
  readonly checkpointInterval: number;
}

/** One stream's events for {@link applyStream}. */
export interface StreamRun {
  readonly projection: Projection;
  readonly streamId: string;
  /** The checkpoint as written. */
  readonly checkpoint: CheckpointState;
  /** The events after the checkpoint, contiguous from `checkpoint.version + 1` (may be empty). */
  readonly events: readonly DeliveredEvent[];
  readonly state: DocumentState;
  readonly rules: ApplyRules;
  /**
   * A dead-letter replay unparks the stream parked at this version: the parked event must apply
   * now (else {@link ReplayFailedError} is thrown), and the checkpoint is written without `parkedAt`.
   */
  readonly resume?: number;
  readonly now: Date;
}

/**
 * What is left of a run once its step is written: `done`, nothing; `retry`, deliver the stream
 * again from `fromVersion` (its event failed, or a document could not be read); `more`, the atomic
 * write is full: write this step, then run the events from `fromVersion` on.
 */
export type StreamOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly fromVersion: number; readonly reason: unknown }
  | { readonly kind: 'more'; readonly fromVersion: number };

/** The result of {@link applyStream}: what to write, atomically, and what is left. */
export interface StreamStep {
  readonly streamId: string;
  /** Document changes of the applied events, coalesced (one per document). */
  readonly changes: ReadonlyMap<string, DocumentChange>;
  /** The checkpoint to write with them; `undefined` when nothing needs writing. */
  readonly checkpoint: CheckpointState | undefined;
  /** Events given up on (more than one only with `'skip-event'`), with the error as thrown. */
  readonly deadLetters: readonly { readonly letter: DeadLetter; readonly error: unknown }[];
  readonly outcome: StreamOutcome;
  /** Events gone past for good once the step is written (handled or not, failed ones excluded). */
  readonly applied: number;
  /** `recordedAt` of the newest applied event. */
  readonly newestRecordedAt?: string;
  /** A failed attempt recorded in `checkpoint` (the event will be retried). */
  readonly retried?: { readonly version: number; readonly attempts: number; readonly error: unknown };
  /** The stream was parked at `resume` and the step unparks it. */
  readonly unparked: boolean;
}

/**
 * Applies a stream's contiguous events to a document state, and says what to write: the one place
 * where the poison-event policy and the checkpoint rule live, for every driver.
 *
 * - Duplicates and gaps are the caller's business: `events` follow the checkpoint.
 * - A parked stream applies nothing (unless this run resumes it).
 * - An event whose type the projection has no handler for is gone past, decodable or not.
 * - A failing event (its handler throws, it cannot be decoded or upcast, its version is missing
 *   from the store, it changes more than one write can hold) counts an attempt in the checkpoint;
 *   at `maxAttempts` it is dead-lettered, and the stream is parked (`park-stream`) or goes on
 *   without it (`skip-event`).
 * - The checkpoint is written when documents change, an attempt or a dead letter is recorded, a
 *   failure is cleared, or it would otherwise fall `checkpointInterval` versions behind.
 *
 * It sends nothing: reads go through `state`, the result says what to write.
 */
export async function applyStream(run: StreamRun): Promise<StreamStep> {
  const { projection, checkpoint, rules, streamId } = run;
  const step = new StepBuilder(run);
  if (isParked(checkpoint, run.resume)) return step.finish();
  for (const event of run.events) {
    const failure = await step.apply(event);
    if (failure === 'stop') return step.stopped();
    if (failure === undefined) continue;
    if (run.resume === event.version) {
      throw new ReplayFailedError({ streamId, version: event.version }, { cause: failure.error });
    }
    const attempts = (checkpoint.failedVersion === event.version ? (checkpoint.attempts ?? 0) : 0) + 1;
    if (attempts < rules.maxAttempts) return step.retry(event.version, attempts, failure.error);
    // The dead letter goes into the same write as the changes before it.
    if (!run.state.unbounded && !run.state.budget(streamId, step.changes, step.extraItems + 1).fits) {
      return step.more(event.version);
    }
    step.deadLetter(event, attempts, failure.error);
    if (projection.onPoisonEvent === 'park-stream') return step.park(event.version);
    step.skip(event);
  }
  return step.finish();
}

/** A parked stream applies nothing, unless a replay resumes it at the version it is parked at. */
export const isParked = (checkpoint: CheckpointState, resume?: number): boolean =>
  checkpoint.parkedAt !== undefined && checkpoint.parkedAt !== resume;

type Failure = { readonly error: unknown } | undefined;

/** The state of one run of {@link applyStream}. */
class StepBuilder {
  readonly #run: StreamRun;
  readonly changes = new Map<string, DocumentChange>();
  /** Last version gone past. */
  #position: number;
  #applied = 0;
  #newest: string | undefined;
  readonly #deadLetters: { letter: DeadLetter; error: unknown }[] = [];
  #stop: StreamStep['outcome'] | undefined;

  /** Reads through this run's changes (made once per run, not per event). */
  readonly #reader: (key: string) => Promise<AttributeValue | undefined>;

  constructor(run: StreamRun) {
    this.#run = run;
    this.#position = run.checkpoint.version;
    this.#reader = this.#read.bind(this);
  }

  /** Items besides documents and the checkpoint: dead letters, a replay's dead-letter resolution. */
  get extraItems(): number {
    return this.#deadLetters.length + (this.#unparks() ? 1 : 0);
  }

  /** Applies one event: `undefined` when it was gone past, its failure, or `stop` (see the outcome). */
  async apply(event: DeliveredEvent): Promise<Failure | 'stop'> {
    const { projection, state, streamId } = this.#run;
    if (!projection.handles(event.type) && (event.type !== '' || !isStub(event))) return this.#pass(event);
    if (isStub(event)) return { error: event.error ?? new Error(`event ${event.version} was not decoded`) };
    const result = await applyEvent(projection, event, this.#reader);
    if (result.kind === 'unavailable') {
      this.#stop = { kind: 'retry', fromVersion: event.version, reason: result.error };
      return 'stop';
    }
    if (result.kind === 'failed') return { error: result.error };
    const budget = state.unbounded
      ? undefined
      : state.budget(streamId, new Map([...this.changes, ...result.changes]), this.extraItems);
    if (budget && !budget.fits) {
      if (this.changes.size > 0) {
        this.#stop = { kind: 'more', fromVersion: event.version };
        return 'stop';
      }
      const { items, bytes } = budget;
      return {
        error: new TooManyChangesError({ streamId, version: event.version, items, sizeBytes: bytes }),
      };
    }
    for (const [key, change] of result.changes) this.changes.set(key, change);
    this.#newest = newest(this.#newest, event.recordedAt);
    return this.#pass(event);
  }

  #pass(event: DeliveredEvent): undefined {
    this.#position = event.version;
    this.#applied++;
    return undefined;
  }

  async #read(key: string): Promise<AttributeValue | undefined> {
    const change = this.changes.get(key);
    if (change !== undefined) return change?.value;
    return this.#run.state.read(key);
  }

  #unparks(): boolean {
    const { checkpoint, resume } = this.#run;
    return resume !== undefined && checkpoint.parkedAt === resume;
  }

  deadLetter(event: DeliveredEvent, attempts: number, error: unknown): void {
    const { projection, now } = this.#run;
    const policy = projection.onPoisonEvent;
    const letter = newDeadLetter({ ref: projection, policy, event, error, attempts, now });
    this.#deadLetters.push({ letter, error });
  }

  /** `'skip-event'`: the stream goes on past the dead-lettered event. */
  skip(event: DeliveredEvent): void {
    this.#position = event.version;
  }

  stopped(): StreamStep {
    return this.#result(this.#lazyCheckpoint(), this.#stop ?? { kind: 'done' });
  }

  more(fromVersion: number): StreamStep {
    return this.#result(this.#lazyCheckpoint(), { kind: 'more', fromVersion });
  }

  retry(version: number, attempts: number, error: unknown): StreamStep {
    const lastError = describeError(error).message.slice(0, MAX_CHECKPOINT_ERROR_CHARS);
    const checkpoint = { version: this.#position, failedVersion: version, attempts, lastError };
    return {
      ...this.#result(checkpoint, { kind: 'retry', fromVersion: version, reason: error }),
      retried: { version, attempts, error },
    };
  }

  park(version: number): StreamStep {
    return this.#result({ version: this.#position, parkedAt: version }, { kind: 'done' });
  }

  finish(): StreamStep {
    return this.#result(this.#lazyCheckpoint(), { kind: 'done' });
  }

  /** The checkpoint rule for a run that went past its events (see {@link applyStream}). */
  #lazyCheckpoint(): CheckpointState | undefined {
    const written = this.#run.checkpoint;
    const next = { version: this.#position };
    if (this.changes.size > 0 || this.#deadLetters.length > 0 || this.#unparks()) return next;
    if (this.#position <= written.version) return undefined;
    if (this.#position - written.version >= this.#run.rules.checkpointInterval) return next;
    if (written.failedVersion !== undefined && this.#position >= written.failedVersion) return next;
    return undefined;
  }

  #result(checkpoint: CheckpointState | undefined, outcome: StreamStep['outcome']): StreamStep {
    return {
      streamId: this.#run.streamId,
      changes: this.changes,
      checkpoint,
      deadLetters: this.#deadLetters,
      outcome,
      applied: this.#applied,
      ...(this.#newest === undefined ? {} : { newestRecordedAt: this.#newest }),
      unparked: checkpoint !== undefined && this.#unparks(),
    };
  }
}

const newest = (a: string | undefined, b: string | undefined) => (a === undefined || (b ?? '') > a ? b : a);
