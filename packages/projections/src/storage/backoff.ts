/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential back-off with full jitter: a random delay up to `base * 2^attempt`, capped. */
export const backoffDelay = (attempt: number, baseMs = 20, capMs = 2_000): number =>
  Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
