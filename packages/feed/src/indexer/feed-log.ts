import { type Batch, batchEnd } from '../codec/batch-item.js';
import { epochOf } from '../codec/keys.js';
import type { FeedMeta } from '../codec/meta-item.js';
import type { FeedTable } from '../dynamodb/feed-table.js';
import { statesOf } from './last-states.js';

/**
 * The feed as a log of batches: where it ends, and the two writes of the protocol (apply the
 * latest batch's stream states, put the next batch). Shared by the indexer, rebuilds and readers.
 */
export class FeedLog {
  readonly table: FeedTable;
  readonly #positionsPerEpoch: number;
  readonly #concurrency: number;
  #meta: FeedMeta | undefined;
  /** The latest batch this process knows of: where the next look for the end starts. */
  #known: Batch | undefined;
  /** First position of the last batch whose states this process applied (a batch is applied once). */
  #applied: number | undefined;

  constructor(table: FeedTable, options: { positionsPerEpoch: number; concurrency: number }) {
    this.table = table;
    this.#positionsPerEpoch = options.positionsPerEpoch;
    this.#concurrency = options.concurrency;
  }

  /** The meta item, or `undefined` while the feed has no batch. Read once, then cached. */
  async meta(): Promise<FeedMeta | undefined> {
    this.#meta ??= await this.table.meta();
    return this.#meta;
  }

  /** The meta item, created with this instance's epoch size if the feed has none yet (writers). */
  async metaForWriting(): Promise<FeedMeta> {
    const meta = await this.meta();
    if (meta) return meta;
    const epochSize = this.#positionsPerEpoch;
    this.#meta = await this.table.createMeta({ epochSize, headEpoch: epochOf(1, epochSize) });
    return this.#meta;
  }

  /**
   * The latest batch (`undefined`: the feed is empty): from the last batch this process knew, or
   * the head hint, the newest batch of that epoch, and of the next one if that batch reaches into
   * it. Consistent reads: a batch written before this call started is found.
   */
  async latest(): Promise<Batch | undefined> {
    const meta = await this.meta();
    if (!meta) return undefined;
    const epochSize = meta.epochSize;
    let last = this.#known;
    let from = last ? batchEnd(last) : Math.max(1, meta.headEpoch * epochSize);
    for (;;) {
      const found = await this.table.lastBatchFrom(epochOf(from, epochSize), from, epochSize);
      if (!found) break;
      last = found;
      from = batchEnd(found);
      // The batch after `found` starts at `from`: in this epoch it would have been the one found.
      if (epochOf(from, epochSize) === epochOf(found.first, epochSize)) break;
    }
    this.#remember(last);
    return last;
  }

  /**
   * Applies a batch: raises its streams' states (idempotent, monotonic) and writes its type index
   * items (idempotent: derived from the batch). Every writer does this to the batch it is about to
   * follow, before putting its own: so every batch but the latest is applied, states and index.
   */
  async apply(batch: Batch | undefined): Promise<void> {
    if (!batch || this.#applied === batch.first) return;
    const meta = await this.metaForWriting();
    await Promise.all([
      this.table.raiseStates(statesOf(batch), this.#concurrency),
      this.table.putTypeItems(batch, meta.epochSize, this.#concurrency),
    ]);
    this.#applied = batch.first;
  }

  /** Puts `batch` after the batch it follows; the batch found there instead when another writer won. */
  async put(batch: Batch): Promise<{ written: true } | { written: false; existing: Batch | undefined }> {
    const meta = await this.metaForWriting();
    const outcome = await this.table.putBatch(batch, meta.epochSize);
    if (!outcome.written) {
      if (outcome.existing) this.#remember(outcome.existing);
      return outcome;
    }
    this.#remember(batch);
    const epoch = epochOf(batch.first, meta.epochSize);
    if (epoch > meta.headEpoch) {
      // A hint only: readers walk on from it, so a crash before this write costs them a query.
      await this.table.advanceHead(epoch);
      this.#meta = { ...meta, headEpoch: epoch };
    }
    return { written: true };
  }

  #remember(batch: Batch | undefined): void {
    if (batch && (!this.#known || batch.first > this.#known.first)) this.#known = batch;
  }
}
