import { backoffDelay, sleep } from '@dynamo-es/event-store';

/**
 * Sleeps that end early on stop (an `AbortSignal`) or on demand (`wakeAll()`), e.g. so that
 * `waitForCaughtUp()` makes idle shards poll now instead of at the end of their idle backoff.
 */
export class Wakeup {
  readonly #sleepers = new Set<() => void>();

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const end = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', end);
        this.#sleepers.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      signal.addEventListener('abort', end, { once: true });
      this.#sleepers.add(end);
    });
  }

  wakeAll(): void {
    for (const end of [...this.#sleepers]) end();
  }
}

/** Sleeps `ms`, or less if `signal` aborts; resolves `false` when aborted. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  await sleep(ms, signal);
  return !signal.aborted;
}

/** A counting semaphore: at most `limit` holders; `acquire` resolves `false` if `signal` aborts first. */
export class Slots {
  #free: number;
  readonly #queue: Array<() => void> = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = (): void => {
        signal.removeEventListener('abort', cancel);
        resolve(true);
      };
      const cancel = (): void => {
        this.#queue.splice(this.#queue.indexOf(grant), 1);
        resolve(false);
      };
      this.#queue.push(grant);
      signal.addEventListener('abort', cancel, { once: true });
    });
  }

  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#free += 1;
    else next();
  }
}

/**
 * Exponential backoff with jitter: about `baseMs * 2^(attempt - 1)`, at most `maxMs`, between half
 * and all of it so that shards failing together do not retry in lockstep.
 */
export function backoffMs(attempt: number, { baseMs, maxMs }: { baseMs: number; maxMs: number }): number {
  return Math.round(backoffDelay(Math.max(0, attempt - 1), { baseMs, capMs: maxMs, jitter: [0.5, 1] }));
}
