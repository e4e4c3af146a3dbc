import type { PollResult } from './deadlines/deadline-poller.js';

/** A running {@link startDeadlineTimer}. */
export interface DeadlineTimer {
  /** Stops polling; resolves once a poll under way has finished. */
  stop(): Promise<void>;
}

/**
 * The local counterpart of a schedule invoking `deadlineHandler()`: polls every `intervalMs`
 * (default 1 s), one poll at a time, until stopped. For the `StreamRunner` worker, demos and tests.
 *
 * @example
 * const timer = startDeadlineTimer(transfers, { intervalMs: 1_000 });
 * process.on('SIGTERM', () => void timer.stop());
 */
export function startDeadlineTimer(
  process: { pollDeadlines(): Promise<PollResult> },
  options: {
    readonly intervalMs?: number;
    readonly onPoll?: (result: PollResult) => void;
    readonly onError?: (error: unknown) => void;
  } = {},
): DeadlineTimer {
  const intervalMs = options.intervalMs ?? 1_000;
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
    throw new TypeError(
      `startDeadlineTimer: intervalMs must be a positive integer, got ${String(intervalMs)}`,
    );
  }
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = process
      .pollDeadlines()
      .then(
        (result) => options.onPoll?.(result),
        (error) => options.onError?.(error),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
