import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { type DeadLetter, putDeadLetter, resolveDeadLetter } from '../codec/dead-letter-codec.js';
import { type DeadLetterFilter, listDeadLetters } from '../dead-letters/dead-letter-list.js';
import type { Projection } from '../projection.js';
import { ReadModelTable } from '../table/read-model-table.js';
import { type CommitResult, TransactionalState } from '../transactional/transactional-state.js';
import type { DocumentState, StreamStep } from './apply-stream.js';
import type { CheckpointState } from './checkpoint.js';

/** What {@link StreamCheckpoints.write} did, by stream. */
export interface CheckpointWriteResult {
  readonly committed: readonly string[];
  /** Another invocation moved the checkpoint since it was read: nothing of the stream was written. */
  readonly conflicted: readonly string[];
  readonly failed: readonly { readonly streamId: string; readonly error: unknown }[];
}

/**
 * The checkpoints and dead letters of a unit that drives {@link applyStream} without read-model
 * documents (a publication of `@dynamo-es/publisher`): the same items, conditions and poison policy
 * as a projection's, in the read-model table. A unit with `streamDocument` keeps each stream's
 * checkpoint in an item of its own written with one conditional `PutItem` (1 WCU); a step with a
 * dead letter goes into a transaction with it.
 *
 * Internal: for packages of this repository built on the engine, not a public API.
 */
export class StreamCheckpoints {
  readonly #table: ReadModelTable;
  readonly #unit: Projection;
  #state: TransactionalState;
  #written = emptyResult();

  constructor(options: {
    readonly client: DynamoDBClient;
    readonly tableName: string;
    readonly unit: Projection;
  }) {
    this.#table = new ReadModelTable(options.client, options.tableName);
    this.#unit = options.unit;
    this.#state = new TransactionalState(this.#table, this.#unit);
  }

  /** Reads the checkpoints of `streamIds` (strongly consistent, one `BatchGetItem` round). */
  load(streamIds: readonly string[]): Promise<void> {
    return this.#state.load(streamIds, []);
  }

  /** The stream's checkpoint as last read or written by this object. */
  checkpoint(streamId: string): CheckpointState {
    return this.#state.checkpoint(streamId);
  }

  /** The state a run of `applyStream` reads: no documents. */
  view(): DocumentState {
    return this.#state.view();
  }

  /**
   * Writes the steps' checkpoints and dead letters (and `extras`, by stream), each stream's
   * conditioned on the checkpoint read; steps without a checkpoint to write are skipped.
   */
  async write(
    steps: readonly StreamStep[],
    now: Date,
    extras: ReadonlyMap<string, readonly TransactWriteItem[]> = new Map(),
  ): Promise<CheckpointWriteResult> {
    for (const step of steps) await this.stage(step, now, extras.get(step.streamId));
    return this.commit(now);
  }

  /**
   * Adds a step's writes to the pending ones (writing those first when the step would not fit
   * with them): views made after it read the documents it changed, so streams applied one after
   * the other are serialisable even when they change the same document.
   */
  async stage(step: StreamStep, now: Date, extras: readonly TransactWriteItem[] = []): Promise<void> {
    if (step.checkpoint === undefined) {
      // Nothing to write for the stream, but its changes (none without a checkpoint) are kept.
      return;
    }
    if (!this.#state.fits(step, extras)) collect(this.#written, await this.#state.commit(now.toISOString()));
    const letters = step.deadLetters.map(({ letter }) =>
      putDeadLetter(this.#table.tableName, this.#unit, letter),
    );
    this.#state.merge(step, extras, letters);
  }

  /** Writes what is staged; returns what every write since the last commit did, by stream. */
  async commit(now: Date): Promise<CheckpointWriteResult> {
    if (this.#state.hasPendingWrites()) collect(this.#written, await this.#state.commit(now.toISOString()));
    const written = this.#written;
    this.#written = emptyResult();
    return written;
  }

  /** The unit's dead letters (see `readModels.deadLetters.list`). */
  deadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    return listDeadLetters(this.#table, this.#unit, filter);
  }

  /** The write that marks a dead letter replayed, only if it is still open (for the unparking write). */
  resolution(letter: Pick<DeadLetter, 'streamId' | 'version'>, now: Date): TransactWriteItem {
    return resolveDeadLetter(this.#table.tableName, this.#unit, letter, now.toISOString());
  }
}

type MutableResult = {
  committed: string[];
  conflicted: string[];
  failed: { streamId: string; error: unknown }[];
};

const emptyResult = (): MutableResult => ({ committed: [], conflicted: [], failed: [] });

function collect(result: MutableResult, commit: CommitResult): void {
  result.committed.push(...commit.committed);
  result.conflicted.push(...commit.conflicted);
  for (const streamId of commit.failed?.streams ?? [])
    result.failed.push({ streamId, error: commit.failed?.error });
}
