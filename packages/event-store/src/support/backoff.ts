/**
 * Waits `ms` milliseconds; with a `signal`, resolves as soon as it aborts (never rejects), so a
 * stopping loop does not sit out its backoff.
 *
 * @example
 * await sleep(backoffDelay(attempt, { baseMs: 20, capMs: 2_000 }), signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** How {@link backoffDelay} grows and spreads. */
export interface BackoffOptions {
  /** The ceiling of attempt 0; it doubles per attempt. */
  readonly baseMs: number;
  /** The ceiling never exceeds this. */
  readonly capMs: number;
  /**
   * The delay is the ceiling times a random factor in `[low, high)`: `[0, 1]` ("full jitter", the
   * default: racing writers spread out the most), `[0.5, 1]` ("equal jitter": never less than half).
   */
  readonly jitter?: readonly [low: number, high: number];
}

/**
 * Exponential backoff with jitter: `min(capMs, baseMs * 2^attempt)` times a random factor. Every
 * retry loop of the dynamo-es packages takes its delays from here.
 *
 * @example
 * const delay = backoffDelay(3, { baseMs: 20, capMs: 2_000 }); // 0 to 160 ms
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const [low, high] = options.jitter ?? [0, 1];
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return ceiling * (low + Math.random() * (high - low));
}
