import type { RunnerErrorContext } from './options.js';
import type { ShardInfo } from './shard-lineage.js';
import { Wakeup } from './timing.js';

/** What a {@link ShardDiscovery} needs from its runner. */
export interface ShardDiscoveryInput {
  /** One full `DescribeStream` listing. */
  readonly list: () => Promise<ShardInfo[]>;
  /** Receives each listing with the caught-up epoch at which it started. */
  readonly listed: (shards: ShardInfo[], startedEpoch: number) => void;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  readonly epoch: () => number;
  readonly report: (error: unknown, context: RunnerErrorContext) => void;
}

/**
 * Lists the stream's shards every `intervalMs`, and at once on request: when a shard ends (its children
 * are due) and when `waitForCaughtUp()` needs a listing that started after its call. A request made
 * during a listing is kept, so it gets a listing of its own.
 */
export class ShardDiscovery {
  readonly #input: ShardDiscoveryInput;
  readonly #wakeup = new Wakeup();
  #requested = false;

  constructor(input: ShardDiscoveryInput) {
    this.#input = input;
  }

  request(): void {
    this.#requested = true;
    this.#wakeup.wakeAll();
  }

  /** Runs until the signal aborts; never rejects. */
  async run(): Promise<void> {
    const { signal, intervalMs } = this.#input;
    while (!signal.aborted) {
      if (!this.#requested) await this.#wakeup.sleep(intervalMs, signal);
      if (signal.aborted) return;
      this.#requested = false;
      const epoch = this.#input.epoch();
      try {
        this.#input.listed(await this.#input.list(), epoch);
      } catch (error) {
        this.#input.report(error, { operation: 'DescribeStream' });
      }
    }
  }
}
