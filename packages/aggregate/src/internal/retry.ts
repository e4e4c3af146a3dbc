import { isConcurrencyError } from '@dynamo-es/event-store';
import { RetriesExhaustedError } from '../errors.js';
import type { CommandObserver } from './command-observer.js';

/**
 * Default retries of a command that loses the race for its stream.
 *
 * @example
 * await repository.update(id, command, { retries: DEFAULT_RETRIES * 2 }); // a hot stream
 */
export const DEFAULT_RETRIES = 10;

/**
 * Exponential backoff with "full jitter" (a random delay between 0 and 40 ms, 80 ms, 160 ms…,
 * capped at 1 s): racing writers spread out instead of colliding again in lockstep, which is what
 * lets 20 concurrent commands on one stream all land within the default 10 retries.
 *
 * @example
 * new AggregateRepository({ store, factory, retryDelay: (retry) => defaultRetryDelay(retry) * 2 });
 */
export const defaultRetryDelay = (retry: number): number => Math.random() * Math.min(1000, 20 * 2 ** retry);

export interface RetryLoop<T> {
  readonly streamId: string;
  readonly retries: number;
  readonly retryDelay: (retry: number) => number;
  /** One attempt of the command: decide and append. */
  readonly attempt: () => Promise<T>;
  /** After a conflict: drop the attempt's events and read what the other writers appended. */
  readonly recover: () => Promise<void>;
  /** Told about each retry and about giving up. */
  readonly observer: CommandObserver;
}

/**
 * The one retry loop of the package: runs `attempt`; on a `ConcurrencyError` for this stream, waits,
 * lets `recover` catch up with the stream, and tries again, at most `retries` more times.
 */
export async function runWithRetries<T>(loop: RetryLoop<T>): Promise<{ result: T; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    try {
      return { result: await loop.attempt(), attempts };
    } catch (error) {
      if (!isConcurrencyError(error) || error.streamId !== loop.streamId) throw error;
      if (attempts > loop.retries) {
        loop.observer.retriesExhausted(error, attempts);
        throw new RetriesExhaustedError({ streamId: loop.streamId, attempts }, { cause: error });
      }
      const delay = loop.retryDelay(attempts);
      loop.observer.conflictRetried(error, attempts, delay);
      await sleep(delay);
      await loop.recover();
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
