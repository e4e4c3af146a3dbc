import { CaughtUpTimeoutError } from './errors.js';

interface Waiter {
  /** Reads and listings that started at this epoch or later started after the call. */
  readonly epoch: number;
  /** Shards of the first listing that started after the call; `undefined` until it completes. */
  shards: readonly string[] | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Pending `waitForCaughtUp()` calls. A call with epoch `e` is satisfied once a shard listing that
 * started at epoch >= `e` has completed and every shard of that listing is either finished or has
 * returned an empty page from a `GetRecords` call started at epoch >= `e` (with every record before
 * that page acknowledged, since a shard's pages are handled one after another).
 *
 * @param isCaughtUp - whether a shard is finished or had such an empty page for an epoch.
 */
export class CaughtUpWaiters {
  readonly #waiters = new Set<Waiter>();
  readonly #isCaughtUp: (shardId: string, epoch: number) => boolean;

  constructor(isCaughtUp: (shardId: string, epoch: number) => boolean) {
    this.#isCaughtUp = isCaughtUp;
  }

  add(epoch: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new CaughtUpTimeoutError(timeoutMs, this.#pending(waiter)));
      }, timeoutMs);
      const waiter: Waiter = { epoch, shards: undefined, resolve, reject, timer };
      this.#waiters.add(waiter);
    });
  }

  /** A shard listing that started at `epoch` completed with these shards. */
  listed(epoch: number, shardIds: readonly string[]): void {
    for (const waiter of this.#waiters) {
      if (waiter.shards === undefined && epoch >= waiter.epoch) waiter.shards = shardIds;
    }
    this.check();
  }

  /** Resolves every waiter whose condition holds now. */
  check(): void {
    for (const waiter of this.#waiters) {
      if (waiter.shards === undefined || this.#pending(waiter).length > 0) continue;
      this.#settle(waiter);
      waiter.resolve();
    }
  }

  rejectAll(error: unknown): void {
    for (const waiter of this.#waiters) {
      this.#settle(waiter);
      waiter.reject(error);
    }
  }

  #pending(waiter: Waiter): string[] {
    return (waiter.shards ?? []).filter((shardId) => !this.#isCaughtUp(shardId, waiter.epoch));
  }

  #settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }
}
