/**
 * Default retries of a command that loses the race for its stream(s).
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
