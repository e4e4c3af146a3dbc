import type { StreamRunnerStats } from './runner-stats.js';
import { isReadable, type ShardInfo } from './shard-lineage.js';
import type { ShardWorker } from './shard-worker.js';

interface Entry {
  readonly info: ShardInfo;
  worker: ShardWorker | undefined;
}

/** The shards a runner knows, which of them have a reader, and which were read to their end. */
export class ShardRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #finished = new Set<string>();

  /** Takes in a shard listing: adds new shards, forgets finished shards that left the stream. */
  update(shards: readonly ShardInfo[]): void {
    const listed = new Set(shards.map((shard) => shard.shardId));
    for (const info of shards) {
      if (!this.#entries.has(info.shardId)) this.#entries.set(info.shardId, { info, worker: undefined });
    }
    // Trimmed 24 hours after they closed. Their children do not need them: a parent the runner does
    // not know counts as read.
    for (const shardId of this.#finished) {
      if (listed.has(shardId)) continue;
      this.#finished.delete(shardId);
      this.#entries.delete(shardId);
    }
  }

  /** Shards without a reader whose parent is read to its end (or unknown). */
  readyToRead(): ShardInfo[] {
    return [...this.#entries.values()]
      .filter(
        (entry) =>
          entry.worker === undefined &&
          isReadable(entry.info, { known: this.#entries, finished: this.#finished }),
      )
      .map((entry) => entry.info);
  }

  attach(shardId: string, worker: ShardWorker): void {
    const entry = this.#entries.get(shardId);
    if (entry !== undefined) entry.worker = worker;
  }

  finish(shardId: string): void {
    this.#finished.add(shardId);
  }

  /** Finished, or had an empty page from a read started at `epoch` or later (see `CaughtUpWaiters`). */
  isCaughtUp(shardId: string, epoch: number): boolean {
    const entry = this.#entries.get(shardId);
    // A shard forgotten since the waiter's listing was finished, then trimmed.
    if (entry === undefined || this.#finished.has(shardId)) return true;
    return entry.worker !== undefined && entry.worker.caughtUpEpoch >= epoch;
  }

  counts(): StreamRunnerStats['shards'] {
    let reading = 0;
    for (const { worker } of this.#entries.values()) {
      if (worker !== undefined && !worker.finished) reading += 1;
    }
    const finished = this.#finished.size;
    return { reading, waiting: this.#entries.size - reading - finished, finished };
  }
}
